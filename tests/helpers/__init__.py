"""What several test modules share: factories, real processes, admin forms, samples.

Test modules import from here, never from one another.
"""
