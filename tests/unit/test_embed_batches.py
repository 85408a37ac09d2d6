from assistant.embed_batches import fixed_batches, plan_batches, token_budget_batches


def test_longest_texts_come_first_and_every_text_once():
    batches = token_budget_batches([5, 50, 20, 50, 1], budget=1000)
    assert [i for batch in batches for i in batch] == [1, 3, 2, 0, 4]


def test_a_batch_holds_as_many_texts_as_its_longest_fits_in_the_budget():
    assert token_budget_batches([100, 100, 100, 40, 40, 40, 40, 40], budget=200) == [[0, 1], [2, 3], [4, 5, 6, 7]]


def test_a_text_longer_than_the_budget_is_a_batch_of_its_own():
    assert token_budget_batches([900, 10], budget=100) == [[0], [1]]


def test_batches_never_exceed_the_maximum_size():
    batches = token_budget_batches([1] * 10, budget=1000, max_batch=4)
    assert [len(b) for b in batches] == [4, 4, 2]


def test_no_texts_make_no_batches():
    assert token_budget_batches([], budget=100) == []
    assert plan_batches([], lambda texts: [len(t) for t in texts], budget=100) == []


def test_engines_that_cannot_count_tokens_get_texts_in_order_in_fixed_batches():
    assert fixed_batches(5, size=2) == [[0, 1], [2, 3], [4]]
    assert plan_batches(["a"] * 17, None, budget=100) == [list(range(16)), [16]]


def test_planned_batches_follow_the_engines_token_counts():
    assert plan_batches(["aaaa", "b", "cc"], lambda texts: [len(t) for t in texts], budget=4) == [[0], [2, 1]]
