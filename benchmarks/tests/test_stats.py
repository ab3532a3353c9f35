import pytest

from benchmarks.stats import percentile


def test_percentile_is_the_nearest_rank():
    values = list(range(100, 0, -1))  # order does not matter
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 100) == 100
    assert percentile(values, 0) == 1
    assert percentile([7.0], 95) == 7.0
    assert (
        percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95)
        == 19
    )


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 95)


def test_the_benchmarks_run_their_children_from_the_repository():
    # the scratch-database benchmarks re-run manage.py from ROOT (it was one level too high
    # after the benchmarks moved out of kaigong/, and `make bench` failed)
    from benchmarks.cases import ROOT

    assert (ROOT / "manage.py").is_file()
