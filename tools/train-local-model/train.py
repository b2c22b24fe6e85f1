"""Trains the tiny KJV scripture model bundled with llmgate's `local` provider.

One script, no network: extracts the King James Bible with the Debian `bible` program, trains a
byte-level BPE tokenizer, trains a llama2.c-architecture model on two CPU cores, and exports
  - model.f32.bin     llama2.c legacy "v0" checkpoint, float32 (what llama2.c's run.c reads)
  - model.f16.bin     the same layout with every tensor value stored as IEEE-754 binary16
  - tokenizer.bin     llama2.c tokenizer layout
See README.md next to this file for the exact formats and the command line.
"""
import argparse
import collections
import math
import re
import struct
import subprocess
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BOS, EOS = 1, 2
BYTE_OFFSET = 3  # llama2.c byte fallback: token id = byte + 3

# GPT-2 style pre-split: a merged token never crosses a word/punctuation/space boundary, so
# llama2.c's whole-string "merge the best-scoring adjacent pair" encoder yields exactly the same
# tokens as encoding each chunk separately (which is what we do here, with a cache).
CHUNK = re.compile(r" ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+")
REFERENCE = re.compile(r"^([0-9]?[A-Za-z]+)([0-9]+):([0-9]+) (.*)$")


def read_chapters():
    """Every chapter of the KJV as one paragraph: its verses without references, joined by spaces."""
    raw = subprocess.run(["bible", "-f", "Gen1:1-Rev22:21"], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, check=True).stdout
    chapters = collections.OrderedDict()
    for line in raw.splitlines():
        m = REFERENCE.match(line)
        if not m:
            raise ValueError(f"unexpected line from bible: {line!r}")
        chapters.setdefault((m.group(1), m.group(2)), []).append(m.group(4).strip())
    return [" ".join(verses) for verses in chapters.values()]


# ---------------------------------------------------------------- tokenizer

def base_pieces():
    """Ids 0..258: <unk>, <s>, </s>, then one token per byte. Printable ASCII bytes use the
    character itself as piece, so llama2.c's codepoint lookup and its byte fallback agree on the id;
    other bytes use llama2.c's "<0xNN>" form."""
    pieces = ["<unk>", "<s>", "</s>"]
    for b in range(256):
        pieces.append(chr(b) if 0x20 <= b < 0x7F else f"<0x{b:02X}>")
    return pieces


def train_bpe(chapters, vocab_size):
    pieces = base_pieces()
    index = {p: i for i, p in enumerate(pieces)}
    words = collections.Counter()
    for text in chapters:
        words.update(CHUNK.findall(" " + text))
    seqs = [[index[c] for c in w] for w in words]
    freqs = list(words.values())
    while len(pieces) < vocab_size:
        pairs = collections.Counter()
        for seq, f in zip(seqs, freqs):
            for a, b in zip(seq, seq[1:]):
                pairs[a, b] += f
        (a, b), _ = pairs.most_common(1)[0]
        new_id = len(pieces)
        pieces.append(pieces[a] + pieces[b])
        for s, seq in enumerate(seqs):
            if len(seq) < 2:
                continue
            out, i = [], 0
            while i < len(seq):
                if i + 1 < len(seq) and seq[i] == a and seq[i + 1] == b:
                    out.append(new_id)
                    i += 2
                else:
                    out.append(seq[i])
                    i += 1
            seqs[s] = out
    # Earlier merges score higher: llama2.c merges the adjacent pair with the best score first.
    scores = [0.0] * 259 + [-float(i) for i in range(len(pieces) - 259)]
    return pieces, scores


class Encoder:
    """llama2.c's encode(): codepoints (or byte fallback), then repeatedly merge the best pair."""

    def __init__(self, pieces, scores):
        self.index = {p: i for i, p in enumerate(pieces)}
        self.pieces, self.scores = pieces, scores
        self.cache = {}

    def chunk(self, text):
        if text in self.cache:
            return self.cache[text]
        toks = []
        for ch in text:
            if ch in self.index:
                toks.append(self.index[ch])
            else:
                toks.extend(b + BYTE_OFFSET for b in ch.encode("utf-8"))
        while True:
            best, best_id, best_i = -1e10, -1, -1
            for i in range(len(toks) - 1):
                j = self.index.get(self.pieces[toks[i]] + self.pieces[toks[i + 1]])
                if j is not None and self.scores[j] > best:
                    best, best_id, best_i = self.scores[j], j, i
            if best_i < 0:
                break
            toks[best_i:best_i + 2] = [best_id]
        self.cache[text] = toks
        return toks

    def encode(self, text, bos=True):
        toks = [BOS] if bos else []
        for c in CHUNK.findall(" " + text):  # " ": llama2.c's dummy prefix
            toks.extend(self.chunk(c))
        return toks


def write_tokenizer(path, pieces, scores):
    data = [p.encode("utf-8") for p in pieces]
    with open(path, "wb") as f:
        f.write(struct.pack("<i", max(len(d) for d in data)))
        for d, s in zip(data, scores):
            f.write(struct.pack("<fi", s, len(d)))
            f.write(d)


# ---------------------------------------------------------------- model (llama2.c model.py)

class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(head_dim, seq_len, theta=10000.0):
    freqs = 1.0 / (theta ** (torch.arange(0, head_dim, 2).float() / head_dim))
    angles = torch.outer(torch.arange(seq_len).float(), freqs)
    return torch.cos(angles), torch.sin(angles)


def apply_rope(x, cos, sin):
    # x: (B, T, H, D); rotates adjacent pairs (x[2i], x[2i+1]) exactly like run.c
    xr, xi = x.float().reshape(*x.shape[:-1], -1, 2).unbind(-1)
    cos, sin = cos[None, :, None, :], sin[None, :, None, :]
    out = torch.stack([xr * cos - xi * sin, xr * sin + xi * cos], dim=-1)
    return out.flatten(3).type_as(x)


class Block(nn.Module):
    def __init__(self, dim, n_heads, hidden, seq_len):
        super().__init__()
        self.n_heads, self.head_dim = n_heads, dim // n_heads
        self.attention_norm, self.ffn_norm = RMSNorm(dim), RMSNorm(dim)
        self.wq, self.wk, self.wv, self.wo = (nn.Linear(dim, dim, bias=False) for _ in range(4))
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)
        self.register_buffer("causal", torch.ones(seq_len, seq_len).triu(1).bool(), persistent=False)

    def forward(self, x, cos, sin):
        B, T, C = x.shape
        h = self.attention_norm(x)
        q = apply_rope(self.wq(h).view(B, T, self.n_heads, self.head_dim), cos, sin)
        k = apply_rope(self.wk(h).view(B, T, self.n_heads, self.head_dim), cos, sin)
        v = self.wv(h).view(B, T, self.n_heads, self.head_dim)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        att = att.masked_fill(self.causal[:T, :T], float("-inf"))
        a = F.softmax(att, dim=-1) @ v
        x = x + self.wo(a.transpose(1, 2).reshape(B, T, C))
        h = self.ffn_norm(x)
        return x + self.w2(F.silu(self.w1(h)) * self.w3(h))


class Llama(nn.Module):
    def __init__(self, vocab, dim, n_layers, n_heads, hidden, seq_len):
        super().__init__()
        self.seq_len = seq_len
        self.tok_embeddings = nn.Embedding(vocab, dim)
        self.layers = nn.ModuleList(Block(dim, n_heads, hidden, seq_len) for _ in range(n_layers))
        self.norm = RMSNorm(dim)
        self.output = nn.Linear(dim, vocab, bias=False)
        self.output.weight = self.tok_embeddings.weight  # shared classifier, as llama2.c does
        cos, sin = rope_tables(dim // n_heads, seq_len)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * n_layers) if name.endswith(("wo.weight", "w2.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.tok_embeddings(idx)
        for layer in self.layers:
            x = layer(x, self.cos[:T], self.sin[:T])
        return self.output(self.norm(x))


def export_v0(model, args, path, dtype):
    """llama2.c legacy_export: 7 int32 header, then tensors in run.c's order. The two RoPE tables
    (freq_cis_real/imag) are written because the v0 layout reserves them; run.c skips them."""
    head_dim = args.dim // args.n_heads
    header = struct.pack("<7i", args.dim, args.hidden, args.n_layers, args.n_heads, args.n_heads,
                         args.vocab, args.seq_len)  # positive vocab_size: shared classifier
    L = model.layers
    tensors = [model.tok_embeddings.weight]
    for name in ["attention_norm", "wq", "wk", "wv", "wo", "ffn_norm", "w1", "w2", "w3"]:
        tensors += [getattr(l, name).weight for l in L]
    tensors += [model.norm.weight, model.cos[:args.seq_len, :head_dim // 2],
                model.sin[:args.seq_len, :head_dim // 2]]
    with open(path, "wb") as f:
        f.write(header)
        for t in tensors:
            f.write(t.detach().numpy().astype(np.dtype(dtype).newbyteorder("<")).tobytes())


# ---------------------------------------------------------------- training

def batches(data, batch, seq_len, gen):
    ix = torch.randint(len(data) - seq_len - 1, (batch,), generator=gen)
    x = torch.stack([data[i:i + seq_len] for i in ix])
    y = torch.stack([data[i + 1:i + 1 + seq_len] for i in ix])
    return x, y


@torch.no_grad()
def evaluate(model, data, args, n_batches=10):
    model.eval()
    gen = torch.Generator().manual_seed(1234)
    losses = []
    for _ in range(n_batches):
        x, y = batches(data, args.batch, args.seq_len, gen)
        losses.append(F.cross_entropy(model(x).view(-1, args.vocab), y.view(-1)).item())
    model.train()
    return sum(losses) / len(losses)


@torch.no_grad()
def greedy(model, encoder, pieces, prompt, steps):
    model.eval()
    toks = encoder.encode(prompt)
    for _ in range(steps):
        nxt = int(model(torch.tensor([toks[-model.seq_len:]]))[0, -1].argmax())
        if nxt in (BOS, EOS):
            break
        toks.append(nxt)
    model.train()
    return "".join(pieces[t] for t in toks[1:])


def main(args):
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    log = open(args.log, "a", buffering=1)

    def say(msg):
        print(msg, flush=True)
        log.write(msg + "\n")

    t0 = time.time()
    chapters = read_chapters()
    say(f"chapters: {len(chapters)}, chars: {sum(map(len, chapters))}")
    pieces, scores = train_bpe(chapters, args.vocab)
    write_tokenizer(f"{args.out}/tokenizer.bin", pieces, scores)
    encoder = Encoder(pieces, scores)
    # every 20th chapter is held out, so validation text is from all over the book
    train_ids, val_ids = [], []
    for i, text in enumerate(chapters):
        (val_ids if i % 20 == 10 else train_ids).extend(encoder.encode(text))
    train_data, val_data = torch.tensor(train_ids), torch.tensor(val_ids)
    say(f"tokenizer: {len(pieces)} tokens; train {len(train_ids)} tokens, val {len(val_ids)} tokens, "
        f"{sum(map(len, chapters)) / (len(train_ids) + len(val_ids)):.2f} chars/token "
        f"({time.time() - t0:.0f}s)")

    model = Llama(args.vocab, args.dim, args.n_layers, args.n_heads, args.hidden, args.seq_len)
    say(f"parameters: {sum(p.numel() for p in model.parameters())}")
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    gen = torch.Generator().manual_seed(args.seed)
    t_train = time.time()
    for it in range(args.iters + 1):
        warm = min(1.0, (it + 1) / args.warmup)
        progress = it / args.iters
        lr = args.lr * warm * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))
        for g in opt.param_groups:
            g["lr"] = lr
        if it % args.eval_every == 0 or it == args.iters:
            say(f"iter {it}: train {evaluate(model, train_data, args):.4f}, "
                f"val {evaluate(model, val_data, args):.4f}, lr {lr:.2e}, "
                f"{time.time() - t_train:.0f}s")
        if it == args.iters:
            break
        x, y = batches(train_data, args.batch, args.seq_len, gen)
        loss = F.cross_entropy(model(x).view(-1, args.vocab), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if it % 50 == 0:
            say(f"step {it}: loss {loss.item():.4f}")
    say(f"training time: {time.time() - t_train:.0f}s")

    export_v0(model, args, f"{args.out}/model.f32.bin", np.float32)
    export_v0(model, args, f"{args.out}/model.f16.bin", np.float16)
    # what the Java engine must reproduce: greedy decoding with the fp16-rounded weights
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    for prompt in ["In the beginning", "And the LORD said unto Moses"]:
        say(f"greedy sample (fp16 weights) {prompt!r}: {greedy(model, encoder, pieces, prompt, 60)!r}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=".")
    ap.add_argument("--log", default="train.log")
    ap.add_argument("--vocab", type=int, default=512)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--n-layers", dest="n_layers", type=int, default=4)
    ap.add_argument("--n-heads", dest="n_heads", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=352)
    ap.add_argument("--seq-len", dest="seq_len", type=int, default=256)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--iters", type=int, default=1200)
    ap.add_argument("--eval-every", dest="eval_every", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1337)
    args = ap.parse_args()
    main(args)
