import pytest

# The shared helpers assert too: show their comparisons as pytest does in tests.
pytest.register_assert_rewrite("tests.helpers")
