"""What a well-formed knowledge base looks like: the keys of each file and the limits the loader
checks."""

import re

SLUG = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

MIN_ANSWER_WORDS, MAX_ANSWER_WORDS = 60, 200
MIN_PARAPHRASES = 12  # an entry's questions besides the page's own
MIN_VARIANT_QUESTIONS = 3
MAX_SUMMARY_WORDS = 40
MAX_ARTICLES = 3

# topics/<topic id>.yml: the topic, then its entries (answers for one role each; variants beside
# their base).
TOPIC_FILE_KEYS = ("topic", "entries")
TOPIC_KEYS = ("id", "label")
TOPIC_OPTIONAL_KEYS = ("synonyms", "near")
ENTRY_KEYS = ("id", "role", "questions", "answer", "sources", "articles")
ENTRY_OPTIONAL_KEYS = ("variant_of", "summary")

ARTICLE_KEYS = ("id", "title", "summary", "url", "tags")
ROLE_KEYS = ("id", "label", "plural", "synonyms")
LOCATION_KEYS = ("id", "label", "synonyms", "covered")
CERTIFICATION_KEYS = ("id", "label", "synonyms", "summary", "sources", "faq")


def word_count(text: str) -> int:
    return len(text.split())
