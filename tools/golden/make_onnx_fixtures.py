#!/usr/bin/python3
"""Writes tiny torch-exported ONNX models (GPT-2, Llama, Qwen2) plus PyTorch reference outputs for tests/RlsEdit.Onnx.Tests.

Dev-only. Needs Debian's PyTorch, ONNX and NumPy (there is no `transformers` here, so the GPT-2 and Llama
modules below are small nn.Module re-implementations whose module names follow Hugging Face's, which is what
gives the exported nodes their '/transformer/h.{L}/mlp/c_proj/Gemm' and '/model/layers.{L}/mlp/down_proj/MatMul'
names):

    apt-get install -y --no-install-recommends python3-torch python3-onnx python3-numpy
    /usr/bin/python3 tools/golden/make_onnx_fixtures.py tests/RlsEdit.Onnx.Tests/Fixtures

Each folder gets the Hugging Face layout (config.json + model.safetensors, for the managed runtime), model.onnx
(torch.onnx.export, opset 17, constant folding on, dynamic batch and sequence axes) and expected.npz with
ids [B, T], logits [B, T, V] and, per layer L, keys_L [B, T, F] and values_L [B, T, D] from the same module
run in float64 on the float32-rounded weights. rome-style-stats.npz is a ROME/MEMIT statistics file for the
importer, made from the keys in rome-style-keys.npy.
"""
import math
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_model_fixtures import gpt2_params, llama_params, write_model  # noqa: E402  (shared parameter recipes)


class Conv1D(nn.Module):
    """GPT-2's linear layer: weight stored [in, out]; torch.onnx turns addmm into Gemm."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        size_out = x.size()[:-1] + (self.weight.shape[1],)
        return torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight).view(size_out)


class NewGelu(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def causal(scores):
    t = scores.shape[-1]
    mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
    return scores.masked_fill(mask, float("-inf"))


class Gpt2Attention(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.c_attn, self.c_proj = Conv1D(d, 3 * d), Conv1D(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.c_attn(x).split(d, dim=-1)
        heads = lambda z: z.view(b, t, self.h, d // self.h).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        w = torch.softmax(causal(q @ k.transpose(-1, -2) / math.sqrt(d // self.h)), dim=-1)
        return self.c_proj((w @ v).transpose(1, 2).reshape(b, t, d))


class Gpt2Mlp(nn.Module):
    def __init__(self, d, f):
        super().__init__()
        self.c_fc, self.c_proj, self.act = Conv1D(d, f), Conv1D(f, d), NewGelu()

    def forward(self, x, capture):
        key = self.act(self.c_fc(x))
        value = self.c_proj(key)
        capture.append((key, value))
        return value


class Gpt2Block(nn.Module):
    def __init__(self, d, h, f, eps):
        super().__init__()
        self.ln_1, self.attn = nn.LayerNorm(d, eps=eps), Gpt2Attention(d, h)
        self.ln_2, self.mlp = nn.LayerNorm(d, eps=eps), Gpt2Mlp(d, f)

    def forward(self, x, capture):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x), capture)


class Gpt2Body(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, f = cfg["n_embd"], cfg.get("n_inner") or 4 * cfg["n_embd"]
        self.wte, self.wpe = nn.Embedding(cfg["vocab_size"], d), nn.Embedding(cfg["n_positions"], d)
        self.h = nn.ModuleList(Gpt2Block(d, cfg["n_head"], f, cfg["layer_norm_epsilon"]) for _ in range(cfg["n_layer"]))
        self.ln_f = nn.LayerNorm(d, eps=cfg["layer_norm_epsilon"])


class Gpt2LMHeadModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.transformer = Gpt2Body(cfg)

    def forward(self, input_ids, capture=None):
        capture = [] if capture is None else capture
        m = self.transformer
        x = m.wte(input_ids) + m.wpe(torch.arange(input_ids.shape[1]))
        for block in m.h:
            x = block(x, capture)
        return m.ln_f(x) @ m.wte.weight.T  # tied head


class RmsNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight, self.eps = nn.Parameter(torch.ones(d)), eps

    def forward(self, x):
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class LlamaAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, self.h, self.kvh = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
        self.hd, self.theta = d // self.h, cfg["rope_theta"]
        qkv_bias = cfg["model_type"] == "qwen2"  # Qwen2: biases on q/k/v only
        self.q_proj = nn.Linear(d, self.h * self.hd, bias=qkv_bias)
        self.k_proj = nn.Linear(d, self.kvh * self.hd, bias=qkv_bias)
        self.v_proj = nn.Linear(d, self.kvh * self.hd, bias=qkv_bias)
        self.o_proj = nn.Linear(self.h * self.hd, d, bias=False)

    def forward(self, x):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kvh, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kvh, self.hd).transpose(1, 2)
        inv_freq = 1.0 / (self.theta ** (torch.arange(0, self.hd, 2, dtype=x.dtype) / self.hd))
        freqs = torch.arange(t, dtype=x.dtype)[:, None] * inv_freq[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = self.h // self.kvh  # HF repeat_kv: kv head j serves query heads j·rep … j·rep + rep − 1
        k = k[:, :, None].expand(b, self.kvh, rep, t, self.hd).reshape(b, self.h, t, self.hd)
        v = v[:, :, None].expand(b, self.kvh, rep, t, self.hd).reshape(b, self.h, t, self.hd)
        w = torch.softmax(causal(q @ k.transpose(-1, -2) / math.sqrt(self.hd)), dim=-1)
        return self.o_proj((w @ v).transpose(1, 2).reshape(b, t, self.h * self.hd))


class LlamaMlp(nn.Module):
    def __init__(self, d, f):
        super().__init__()
        self.gate_proj, self.up_proj = nn.Linear(d, f, bias=False), nn.Linear(d, f, bias=False)
        self.down_proj, self.act_fn = nn.Linear(f, d, bias=False), nn.SiLU()

    def forward(self, x, capture):
        key = self.act_fn(self.gate_proj(x)) * self.up_proj(x)
        value = self.down_proj(key)
        capture.append((key, value))
        return value


class LlamaLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, eps = cfg["hidden_size"], cfg["rms_norm_eps"]
        self.input_layernorm, self.self_attn = RmsNorm(d, eps), LlamaAttention(cfg)
        self.post_attention_layernorm, self.mlp = RmsNorm(d, eps), LlamaMlp(d, cfg["intermediate_size"])

    def forward(self, x, capture):
        x = x + self.self_attn(self.input_layernorm(x))
        return x + self.mlp(self.post_attention_layernorm(x), capture)


class LlamaBody(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg["vocab_size"], cfg["hidden_size"])
        self.layers = nn.ModuleList(LlamaLayer(cfg) for _ in range(cfg["num_hidden_layers"]))
        self.norm = RmsNorm(cfg["hidden_size"], cfg["rms_norm_eps"])


class LlamaForCausalLM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.model = LlamaBody(cfg)
        self.tied = cfg["tie_word_embeddings"]
        if not self.tied:
            self.lm_head = nn.Linear(cfg["hidden_size"], cfg["vocab_size"], bias=False)

    def forward(self, input_ids, capture=None):
        capture = [] if capture is None else capture
        x = self.model.embed_tokens(input_ids)
        for layer in self.model.layers:
            x = layer(x, capture)
        x = self.model.norm(x)
        return x @ self.model.embed_tokens.weight.T if self.tied else self.lm_head(x)


def build(root, name, cfg, module, params, ids):
    folder, _ = write_model(root, name, cfg, params, "F32")
    module.load_state_dict({k: v.to(torch.float32) for k, v in params.items()}, strict=True)
    module = module.float().eval()
    path = os.path.join(folder, "model.onnx")
    with torch.no_grad():
        torch.onnx.export(module, (ids,), path, input_names=["input_ids"], output_names=["logits"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}},
                          opset_version=17, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    reference = module.double()
    capture = []
    with torch.no_grad():
        logits = reference(ids, capture)
    arrays = {"ids": ids.numpy().astype(np.int64), "logits": logits.numpy()}
    for layer, (key, value) in enumerate(capture):
        arrays[f"keys_{layer}"] = key.numpy()
        arrays[f"values_{layer}"] = value.numpy()
    np.savez(os.path.join(folder, "expected.npz"), **arrays)


def main(root):
    torch.set_default_dtype(torch.float64)
    gen = torch.Generator().manual_seed(20261125)
    cfg = {"model_type": "gpt2", "vocab_size": 96, "n_embd": 32, "n_layer": 2, "n_head": 4, "n_positions": 32,
           "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new", "n_inner": None, "tie_word_embeddings": True}
    ids = torch.tensor([[5, 17, 3, 95, 0, 42, 77], [1, 2, 3, 4, 60, 61, 62]])
    torch.set_default_dtype(torch.float32)
    build(root, "gpt2-tiny", cfg, Gpt2LMHeadModel(cfg), gpt2_params(cfg, gen, "transformer."), ids)

    cfg = {"model_type": "llama", "vocab_size": 80, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2,
           "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 32, "rms_norm_eps": 1e-6,
           "rope_theta": 10000.0, "hidden_act": "silu", "tie_word_embeddings": False, "attention_bias": False,
           "mlp_bias": False}
    ids = torch.tensor([[1, 7, 79, 33, 33, 12, 0, 5], [2, 3, 4, 5, 6, 7, 8, 9]])
    build(root, "llama-tiny", cfg, LlamaForCausalLM(cfg), llama_params(cfg, gen, qkv_bias=False), ids)

    cfg = {"model_type": "qwen2", "vocab_size": 96, "hidden_size": 48, "intermediate_size": 80, "num_hidden_layers": 2,
           "num_attention_heads": 6, "num_key_value_heads": 2, "max_position_embeddings": 32, "rms_norm_eps": 1e-6,
           "rope_theta": 1000000.0, "hidden_act": "silu", "tie_word_embeddings": True, "use_sliding_window": False}
    ids = torch.tensor([[90, 3, 14, 15, 92, 65], [1, 2, 3, 4, 5, 6]])
    build(root, "qwen2-tiny", cfg, LlamaForCausalLM(cfg), llama_params(cfg, gen, qkv_bias=True), ids)
    rome_style_stats(root)


def rome_style_stats(root):
    """A ROME/MEMIT runningstats file (np.savez of CombinedStat's state dict, unicode 'constructor' entries included)."""
    rng = np.random.default_rng(7)
    keys = rng.standard_normal((23, 6)).astype(np.float32)
    mom2 = keys.T.astype(np.float64) @ keys.astype(np.float64)
    np.savez(os.path.join(root, "rome-style-stats.npz"), **{
        "mom2.constructor": np.array("util.runningstats.SecondMoment()"), "mom2.count": np.array(23),
        "mom2.mom2": mom2.astype(np.float32), "constructor": np.array("util.runningstats.CombinedStat(mom2=...)")})
    np.save(os.path.join(root, "rome-style-keys.npy"), keys)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/RlsEdit.Onnx.Tests/Fixtures")
