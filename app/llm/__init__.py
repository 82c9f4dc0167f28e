"""The local language model (llama.cpp). Only this package may import llama_cpp."""
