"""storyline: a local-first news-intelligence engine with provenance."""
__version__ = "0.1.0"
