"""Korean NLP for PRISM, plain Python (no Django): ``sentences`` (splitting with
offsets), ``tokens`` (konlpy/Kiwi taggers), ``keywords``, ``noise`` (what may not
appear in a summary), ``extractive`` and ``abstractive`` summarizers behind
``summarize``."""
