"""Background jobs (APScheduler) that keep memories in shape while the app runs."""
