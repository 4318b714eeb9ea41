from storyline.errors import InputError
from storyline.executors import LocalExecutor, make_executor
from storyline.pipeline import Step
from storyline.records import Failure

import pytest


class Square(Step):
    name = "square"

    def process(self, item):
        if item % 7 == 3:
            raise InputError(f"item{item}", "refuses numbers that are 3 mod 7")
        if item == 11:
            raise ZeroDivisionError("a bug on one record")
        return item * item


def run(workers, items):
    return list(LocalExecutor(workers=workers, batch_size=4).map([Square()], items))


def test_pool_and_inline_give_identical_ordered_results():
    items = list(range(40))
    inline, pooled = run(1, items), run(2, items)
    assert [r if not isinstance(r, Failure) else r.reason for r in inline] == \
           [r if not isinstance(r, Failure) else r.reason for r in pooled]
    assert inline[2] == 4 and len(inline) == 40


def test_failures_are_records_with_reasons_and_the_batch_goes_on():
    out = run(1, range(12))
    fails = [r for r in out if isinstance(r, Failure)]
    assert [f.reason for f in fails][:2] == ["refuses numbers that are 3 mod 7"] * 2
    assert "ZeroDivisionError: a bug on one record" in fails[-1].reason and out[-1].stage == "square"
    assert out[0] == 0 and out[4] == 16


def test_failures_pass_through_later_steps_untouched():
    f = Failure("x", "read", "broken")
    assert list(Square().run([f, 2])) == [f, 4]


def test_unknown_executor_and_missing_ray(monkeypatch):
    with pytest.raises(ValueError, match="unknown executor"):
        make_executor("spark")
