"""Builds the offline spaCy pipeline the NLU pipeline loads (SpacyNLP).

Pretrained spaCy models are fetched from a host these machines cannot reach, so we build a
blank English pipeline (spaCy's rule-based tokenizer) with a lookup lemmatizer whose tables
come from the `spacy-lookups-data` package. Lemmas let "managers"/"manager" and
"earning"/"earn" share features. Nothing is downloaded, now or at run time.
"""

import argparse
import sys
from pathlib import Path

import spacy


def build(target: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data
    nlp.meta.update(
        {
            "name": "pathfinder_en",
            "version": "1.0.0",
            "description": "Blank English + lookup lemmatizer (spacy-lookups-data), built offline.",
        }
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    # Load it back and check the lemmatizer works, so a broken build fails here, not in training.
    lemmas = [t.lemma_ for t in spacy.load(target)("managers earning salaries")]
    if lemmas != ["manager", "earn", "salary"]:
        sys.exit(f"error: lemmatizer in {target} gives {lemmas}; is spacy-lookups-data installed?")
    print(f"built spaCy pipeline at {target}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    build(parser.parse_args().target)
