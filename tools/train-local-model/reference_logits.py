"""Prints PyTorch's logits for a llama2.c v0 checkpoint (float32 or fp16, as train.py writes them).

The Java engine's tests pin a few of these numbers, which proves its forward pass computes what the
training code computed. Usage: /usr/bin/python3 reference_logits.py model.f16.bin
"""
import struct
import sys

import numpy as np
import torch

from train import Llama

TOKENS = [1, 300, 400, 42, 7, 259, 260, 100]


def load(path):
    raw = open(path, "rb").read()
    dim, hidden, n_layers, n_heads, n_kv_heads, vocab, seq_len = struct.unpack("<7i", raw[:28])
    assert n_kv_heads == n_heads and vocab > 0, "train.py's models share the classifier and have no GQA"
    values = (vocab * dim + n_layers * (2 * dim + 4 * dim * dim + 3 * dim * hidden) + dim
              + seq_len * dim // n_heads)
    dtype = "<f4" if len(raw) - 28 == 4 * values else "<f2"
    data = np.frombuffer(raw[28:], dtype=dtype).astype(np.float32)
    model = Llama(vocab, dim, n_layers, n_heads, hidden, seq_len)
    offset = 0

    def take(tensor):
        nonlocal offset
        tensor.copy_(torch.from_numpy(data[offset:offset + tensor.numel()].copy()).view_as(tensor))
        offset += tensor.numel()

    with torch.no_grad():
        take(model.tok_embeddings.weight)
        for name in ["attention_norm", "wq", "wk", "wv", "wo", "ffn_norm", "w1", "w2", "w3"]:
            for layer in model.layers:
                take(getattr(layer, name).weight)
        take(model.norm.weight)
    return model


if __name__ == "__main__":
    with torch.no_grad():
        logits = load(sys.argv[1])(torch.tensor([TOKENS]))[0]
    for pos, row in enumerate(logits):
        print(pos, "argmax", int(row.argmax()), "logits[0:4]", " ".join(f"{v:.5f}" for v in row[:4].tolist()))
