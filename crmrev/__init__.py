"""crmrev: terminal flashcards and SM-2 spaced repetition for CRM revision."""

__version__ = "0.1.0"
