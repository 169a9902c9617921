#!/usr/bin/python3
"""Writes a random Qwen2-style model folder (no tokenizer) for the statistics throughput measurement in docs/performance.md.

Dev-only; needs Debian's python3-torch (the parameter recipe is shared with make_model_fixtures.py):

    /usr/bin/python3 tools/golden/make_bench_qwen2.py /tmp/qwen2-bench

Widths: D=512, F=1536, 4 layers, 8 query heads and 2 key/value heads of 64, V=8192, context 256, q/k/v biases,
tied head, float32 (≈ 40 MB). Random weights: only the speed of a forward pass is measured with it.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_model_fixtures import llama_params, write_model  # noqa: E402


def main(target):
    cfg = {"model_type": "qwen2", "vocab_size": 8192, "hidden_size": 512, "intermediate_size": 1536, "num_hidden_layers": 4,
           "num_attention_heads": 8, "num_key_value_heads": 2, "max_position_embeddings": 256, "rms_norm_eps": 1e-6,
           "rope_theta": 1000000.0, "hidden_act": "silu", "tie_word_embeddings": True, "use_sliding_window": False}
    gen = torch.Generator().manual_seed(20261125)
    root, name = os.path.split(os.path.abspath(target))
    write_model(root, name, cfg, llama_params(cfg, gen, qkv_bias=True), "F32")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/qwen2-bench")
