#!/usr/bin/python3
"""Writes tiny random Hugging Face model folders plus reference outputs for tests/RlsEdit.Models.Tests.

Dev-only. Needs Debian's PyTorch and NumPy (there is no `transformers` here), so the GPT-2, Llama and Qwen2
blocks below are small independent re-implementations of the Hugging Face modelling code:

    apt-get install -y --no-install-recommends python3-torch python3-numpy
    /usr/bin/python3 tools/golden/make_model_fixtures.py tests/RlsEdit.Models.Tests/Fixtures

Each folder gets config.json, safetensors weights (written byte by byte here: 8-byte little-endian header
length, JSON header, raw little-endian data) and expected.json with the token ids, the logits [T, V] and, per
layer, the MLP keys [T, F] (down-projection input), MLP values [T, D] and residual stream [T, D]. The
reference runs in float64 on the weights as stored (after F16/BF16 rounding).
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def tensor_bytes(t, dtype):
    t = t.to(DTYPES[dtype]).contiguous()
    if dtype == "BF16":
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    if dtype == "F16":
        return t.numpy().astype("<f2").tobytes()
    return t.numpy().astype("<f4").tobytes()


def write_safetensors(path, tensors, dtype, extra=None):
    """tensors: list of (name, float tensor). extra: list of (name, dtype, shape, raw bytes)."""
    header, blobs, offset = {}, [], 0
    items = [(n, dtype, list(t.shape), tensor_bytes(t, dtype)) for n, t in tensors] + (extra or [])
    for name, dt, shape, raw in items:
        header[name] = {"dtype": dt, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def stored(t, dtype):
    """The values the C# side will read: rounded to the file dtype, then widened to float64."""
    return t.to(DTYPES[dtype]).to(torch.float64)


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def rms_norm(x, w, eps):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def causal_attention(q, k, v):
    """q: [H, T, hd], k, v: [H, T, hd] (already expanded to H heads)."""
    t, hd = q.shape[1], q.shape[2]
    scores = q @ k.transpose(1, 2) / math.sqrt(hd)
    mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
    scores = scores.masked_fill(mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def gpt2_forward(p, cfg, ids, prefix):
    d, h = cfg["n_embd"], cfg["n_head"]
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    t = len(ids)
    x = p[prefix + "wte.weight"][ids] + p[prefix + "wpe.weight"][torch.arange(t)]
    keys, values, residuals = [], [], []
    for i in range(cfg["n_layer"]):
        g = lambda n: p[f"{prefix}h.{i}.{n}"]
        a = layer_norm(x, g("ln_1.weight"), g("ln_1.bias"), eps)
        qkv = a @ g("attn.c_attn.weight") + g("attn.c_attn.bias")  # Conv1D: weight is [in, out]
        q, k, v = qkv.split(d, dim=-1)
        heads = lambda z: z.view(t, h, d // h).transpose(0, 1)
        y = causal_attention(heads(q), heads(k), heads(v)).transpose(0, 1).reshape(t, d)
        x = x + y @ g("attn.c_proj.weight") + g("attn.c_proj.bias")
        m = layer_norm(x, g("ln_2.weight"), g("ln_2.bias"), eps)
        key = gelu_new(m @ g("mlp.c_fc.weight") + g("mlp.c_fc.bias"))
        value = key @ g("mlp.c_proj.weight") + g("mlp.c_proj.bias")
        x = x + value
        keys.append(key); values.append(value); residuals.append(x)
    x = layer_norm(x, p[prefix + "ln_f.weight"], p[prefix + "ln_f.bias"], eps)
    head = p[prefix + "wte.weight"] if cfg.get("tie_word_embeddings", True) else p["lm_head.weight"]
    return x @ head.T, keys, values, residuals


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def scale_rope(inv_freq, scaling):
    """Hugging Face's rope_scaling initialisations: 'linear' and 'llama3' (Llama 3.1+)."""
    if not scaling or scaling.get("rope_type", scaling.get("type")) == "default":
        return inv_freq
    kind, factor = scaling.get("rope_type", scaling.get("type")), scaling["factor"]
    if kind == "linear":
        return inv_freq / factor
    assert kind == "llama3"
    low, high, old = scaling["low_freq_factor"], scaling["high_freq_factor"], scaling["original_max_position_embeddings"]
    wavelen = 2 * math.pi / inv_freq
    scaled = torch.where(wavelen > old / low, inv_freq / factor, inv_freq)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    medium = (wavelen >= old / high) & (wavelen <= old / low)
    return torch.where(medium, smoothed, scaled)


def llama_forward(p, cfg, ids):
    d, h = cfg["hidden_size"], cfg["num_attention_heads"]
    kvh = cfg.get("num_key_value_heads", h)
    hd = cfg.get("head_dim", d // h)
    eps, theta = cfg["rms_norm_eps"], cfg.get("rope_theta", 10000.0)
    t = len(ids)
    inv_freq = scale_rope(1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd)), cfg.get("rope_scaling"))
    freqs = torch.outer(torch.arange(t, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    x = p["model.embed_tokens.weight"][ids]
    keys, values, residuals = [], [], []
    for i in range(cfg["num_hidden_layers"]):
        g = lambda n: p.get(f"model.layers.{i}.{n}")
        lin = lambda z, n: z @ g(n + ".weight").T + (g(n + ".bias") if g(n + ".bias") is not None else 0)
        a = rms_norm(x, g("input_layernorm.weight"), eps)
        q = lin(a, "self_attn.q_proj").view(t, h, hd).transpose(0, 1)
        k = lin(a, "self_attn.k_proj").view(t, kvh, hd).transpose(0, 1)
        v = lin(a, "self_attn.v_proj").view(t, kvh, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(h // kvh, dim=0)  # HF repeat_kv: kv head j serves query heads j·g … j·g + g − 1
        v = v.repeat_interleave(h // kvh, dim=0)
        y = causal_attention(q, k, v).transpose(0, 1).reshape(t, h * hd)
        x = x + lin(y, "self_attn.o_proj")
        m = rms_norm(x, g("post_attention_layernorm.weight"), eps)
        key = torch.nn.functional.silu(lin(m, "mlp.gate_proj")) * lin(m, "mlp.up_proj")
        value = lin(key, "mlp.down_proj")
        x = x + value
        keys.append(key); values.append(value); residuals.append(x)
    x = rms_norm(x, p["model.norm.weight"], eps)
    head = p["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else p["lm_head.weight"]
    return x @ head.T, keys, values, residuals


def randn(gen, *shape, std=0.25, mean=0.0):
    return mean + std * torch.randn(*shape, generator=gen, dtype=torch.float64)


def gpt2_params(cfg, gen, prefix):
    d, v, f, n = cfg["n_embd"], cfg["vocab_size"], cfg.get("n_inner") or 4 * cfg["n_embd"], cfg["n_positions"]
    p = {prefix + "wte.weight": randn(gen, v, d, std=0.5), prefix + "wpe.weight": randn(gen, n, d, std=0.2)}
    for i in range(cfg["n_layer"]):
        q = f"{prefix}h.{i}."
        for ln in ("ln_1", "ln_2"):
            p[q + ln + ".weight"] = randn(gen, d, std=0.1, mean=1.0)
            p[q + ln + ".bias"] = randn(gen, d, std=0.1)
        for name, shape in (("attn.c_attn", (d, 3 * d)), ("attn.c_proj", (d, d)), ("mlp.c_fc", (d, f)), ("mlp.c_proj", (f, d))):
            p[q + name + ".weight"] = randn(gen, *shape, std=1.0 / math.sqrt(shape[0]))
            p[q + name + ".bias"] = randn(gen, shape[1], std=0.1)
    p[prefix + "ln_f.weight"] = randn(gen, d, std=0.1, mean=1.0)
    p[prefix + "ln_f.bias"] = randn(gen, d, std=0.1)
    if not cfg.get("tie_word_embeddings", True):
        p["lm_head.weight"] = randn(gen, v, d, std=0.5)
    return p


def llama_params(cfg, gen, qkv_bias):
    d, v, f = cfg["hidden_size"], cfg["vocab_size"], cfg["intermediate_size"]
    h = cfg["num_attention_heads"]
    kvh = cfg.get("num_key_value_heads", h)
    hd = cfg.get("head_dim", d // h)
    p = {"model.embed_tokens.weight": randn(gen, v, d, std=0.5)}
    for i in range(cfg["num_hidden_layers"]):
        q = f"model.layers.{i}."
        p[q + "input_layernorm.weight"] = randn(gen, d, std=0.1, mean=1.0)
        p[q + "post_attention_layernorm.weight"] = randn(gen, d, std=0.1, mean=1.0)
        for name, out_dim, in_dim in (("self_attn.q_proj", h * hd, d), ("self_attn.k_proj", kvh * hd, d),
                                      ("self_attn.v_proj", kvh * hd, d), ("self_attn.o_proj", d, h * hd),
                                      ("mlp.gate_proj", f, d), ("mlp.up_proj", f, d), ("mlp.down_proj", d, f)):
            p[q + name + ".weight"] = randn(gen, out_dim, in_dim, std=1.0 / math.sqrt(in_dim))  # nn.Linear: [out, in]
            if qkv_bias and name in ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"):
                p[q + name + ".bias"] = randn(gen, out_dim, std=0.1)
    p["model.norm.weight"] = randn(gen, d, std=0.1, mean=1.0)
    if not cfg.get("tie_word_embeddings", False):
        p["lm_head.weight"] = randn(gen, v, d, std=0.5)
    return p


def write_expected(folder, ids, logits, keys, values, residuals):
    flat = lambda t: [float(x) for x in t.reshape(-1).tolist()]
    out = {
        "token_ids": ids,
        "logits_shape": list(logits.shape),
        "logits": flat(logits),
        "mlp_keys": [flat(k) for k in keys],
        "mlp_key_width": keys[0].shape[1],
        "mlp_values": [flat(v) for v in values],
        "residuals": [flat(r) for r in residuals],
    }
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))


def write_model(root, name, cfg, params, dtype, shards=1, extra=None):
    folder = os.path.join(root, name)
    os.makedirs(folder, exist_ok=True)
    for stale in os.listdir(folder):
        os.remove(os.path.join(folder, stale))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    items = list(params.items())
    if shards == 1:
        write_safetensors(os.path.join(folder, "model.safetensors"), items, dtype, extra)
    else:
        per = math.ceil(len(items) / shards)
        weight_map, total = {}, 0
        for s in range(shards):
            fname = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            chunk = items[s * per:(s + 1) * per]
            write_safetensors(os.path.join(folder, fname), chunk, dtype)
            for n, t in chunk:
                weight_map[n] = fname
                total += t.numel() * (4 if dtype == "F32" else 2)
        with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    return folder, {n: stored(t, dtype) for n, t in params.items()}


def main(root):
    gen = torch.Generator().manual_seed(20260125)

    # GPT-2, tied head, 'transformer.' prefix, F32, with the causal-mask buffers real checkpoints carry.
    cfg = {"model_type": "gpt2", "vocab_size": 96, "n_embd": 32, "n_layer": 2, "n_head": 4, "n_positions": 24,
           "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new", "n_inner": None, "tie_word_embeddings": True,
           "bos_token_id": 95, "eos_token_id": 95}
    params = gpt2_params(cfg, gen, "transformer.")
    mask = torch.tril(torch.ones(24, 24)).view(1, 1, 24, 24)
    extra = [(f"transformer.h.{i}.attn.bias", "F32", [1, 1, 24, 24], tensor_bytes(mask, "F32")) for i in range(2)]
    folder, p = write_model(root, "gpt2-tiny", cfg, params, "F32", extra=extra)
    ids = [5, 17, 3, 95, 0, 42, 42, 77, 11]
    write_expected(folder, ids, *gpt2_forward(p, cfg, torch.tensor(ids), "transformer."))

    # GPT-2, untied head, no prefix, F16, non-default inner width and epsilon.
    cfg = {"model_type": "gpt2", "vocab_size": 64, "n_embd": 24, "n_layer": 2, "n_head": 3, "n_positions": 16,
           "layer_norm_epsilon": 1e-4, "n_inner": 40, "tie_word_embeddings": False}
    folder, p = write_model(root, "gpt2-untied-f16", cfg, gpt2_params(cfg, gen, ""), "F16")
    ids = [1, 63, 2, 8, 8, 30, 0]
    write_expected(folder, ids, *gpt2_forward(p, cfg, torch.tensor(ids), ""))

    # Llama with grouped-query attention, untied head, BF16, two shards + index.
    cfg = {"model_type": "llama", "vocab_size": 80, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
           "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 32, "rms_norm_eps": 1e-6,
           "rope_theta": 10000.0, "rope_scaling": None, "hidden_act": "silu", "tie_word_embeddings": False,
           "attention_bias": False, "mlp_bias": False, "bos_token_id": 1, "eos_token_id": 2}
    folder, p = write_model(root, "llama-tiny", cfg, llama_params(cfg, gen, qkv_bias=False), "BF16", shards=2)
    ids = [1, 7, 79, 33, 33, 12, 0, 5, 64, 20, 2]
    write_expected(folder, ids, *llama_forward(p, cfg, torch.tensor(ids)))

    # Qwen2: q/k/v biases, tied head, large rope_theta, F32.
    cfg = {"model_type": "qwen2", "vocab_size": 96, "hidden_size": 48, "intermediate_size": 80, "num_hidden_layers": 2,
           "num_attention_heads": 6, "num_key_value_heads": 2, "max_position_embeddings": 64, "rms_norm_eps": 1e-6,
           "rope_theta": 1000000.0, "hidden_act": "silu", "tie_word_embeddings": True, "use_sliding_window": False,
           "sliding_window": 64, "bos_token_id": 90, "eos_token_id": 91}
    folder, p = write_model(root, "qwen2-tiny", cfg, llama_params(cfg, gen, qkv_bias=True), "F32")
    ids = [90, 3, 14, 15, 92, 65, 35, 8, 9, 79, 32, 91]
    write_expected(folder, ids, *llama_forward(p, cfg, torch.tensor(ids)))

    # Llama 3.1-style RoPE scaling: at head_dim 8 and θ 1e4 the wavelengths are 6.3, 63, 628 and 6283; with an
    # original context of 128 and frequency factors 1 and 8 they are kept, smoothed, scaled and scaled, so every
    # branch is exercised. A second model uses "linear" scaling.
    cfg = {"model_type": "llama", "vocab_size": 64, "hidden_size": 32, "intermediate_size": 40, "num_hidden_layers": 2,
           "num_attention_heads": 4, "num_key_value_heads": 4, "max_position_embeddings": 64, "rms_norm_eps": 1e-5,
           "rope_theta": 10000.0, "hidden_act": "silu", "tie_word_embeddings": True,
           "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 8.0,
                            "original_max_position_embeddings": 128}}
    folder, p = write_model(root, "llama3-rope-scaled", cfg, llama_params(cfg, gen, qkv_bias=False), "F32")
    ids = [1, 5, 9, 13, 17, 21, 25, 29, 33, 37, 41, 45, 49, 53, 57, 61, 2, 3, 4, 6]
    write_expected(folder, ids, *llama_forward(p, cfg, torch.tensor(ids)))

    cfg = dict(cfg, rope_scaling={"type": "linear", "factor": 4.0})
    folder, p = write_model(root, "llama-rope-linear", cfg, llama_params(cfg, gen, qkv_bias=False), "F32")
    write_expected(folder, ids, *llama_forward(p, cfg, torch.tensor(ids)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/RlsEdit.Models.Tests/Fixtures")
