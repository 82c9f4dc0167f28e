"""Graph layout (igraph), run in a process of its own: igraph holds the GIL while it lays out."""
