"""Models arrive with this app's issue; the app already has its pages and URLs."""
