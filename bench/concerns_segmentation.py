"""Segmentation throughput: the project's pipeline (normalise + rjieba) beside plain jieba.

Texts: titles and details of messages.jsonl and messages_with_replies.jsonl. Plain jieba is
optional (`pip install jieba`); without it only our figure is printed.

    .venv/bin/python bench/concerns_segmentation.py
"""

from __future__ import annotations

import time

from _concerns_common import read_jsonl, require_data, setup_django, write_result


def main() -> None:
    require_data("messages.jsonl", "messages_with_replies.jsonl")
    setup_django()
    from qiangji.lib.text import default_segmenter, normalise

    texts = [
        f"{r.get('title') or ''}。{r.get('detail') or ''}"
        for name in ("messages.jsonl", "messages_with_replies.jsonl")
        for r in read_jsonl(name)
    ]
    chars = sum(len(t) for t in texts)
    segmenter = default_segmenter()
    segmenter.cut("预热")

    started = time.perf_counter()
    ours_tokens = sum(len(segmenter.cut(normalise(t))) for t in texts)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    rjieba_only = sum(len(segmenter.cut(t)) for t in texts)
    rjieba_seconds = time.perf_counter() - started

    result = {
        "texts": len(texts),
        "chars": chars,
        "qiangji_pipeline": {
            "seconds": round(ours, 3),
            "chars_per_second": round(chars / ours),
            "tokens": ours_tokens,
        },
        "rjieba_without_normalisation": {
            "seconds": round(rjieba_seconds, 3),
            "chars_per_second": round(chars / rjieba_seconds),
            "tokens": rjieba_only,
        },
    }
    print(f"{len(texts)} texts, {chars:,} characters")
    print(f"qiangji normalise + rjieba   {ours:6.2f} s  {chars / ours / 1e6:5.2f} M chars/s")
    print(
        f"rjieba alone                 {rjieba_seconds:6.2f} s  {chars / rjieba_seconds / 1e6:5.2f} M chars/s"
    )
    try:
        import jieba
    except ImportError:
        print("plain jieba not installed (pip install jieba): baseline skipped")
        result["jieba"] = None
    else:
        jieba.setLogLevel(60)
        jieba.initialize()
        started = time.perf_counter()
        jieba_tokens = sum(len(jieba.lcut(t)) for t in texts)
        jieba_seconds = time.perf_counter() - started
        result["jieba"] = {
            "seconds": round(jieba_seconds, 3),
            "chars_per_second": round(chars / jieba_seconds),
            "tokens": jieba_tokens,
        }
        print(
            f"plain jieba.lcut             {jieba_seconds:6.2f} s  {chars / jieba_seconds / 1e6:5.2f} M chars/s"
        )
        print(f"speed-up of our pipeline over jieba: ×{jieba_seconds / ours:.1f}")
    print(f"written {write_result('concerns_segmentation', result)}")


if __name__ == "__main__":
    main()
