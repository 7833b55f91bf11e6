#!/usr/bin/env bash
# Draws the same images with `kiln generate` and with diffusers v0.24's StableDiffusionPipeline (the reference in
# ../shared/reference/) from one diffusers folder, and prints per image the mean and max absolute difference in grey
# levels (0..255, over all pixels and channels), then the overall mean, as a Markdown table for the model card.
#
# Usage (from the repository root): models/tools/compare_with_diffusers.sh MODEL_DIR
# Settings, by environment: SAMPLERS ("plms ddim"), SEEDS ("1 2 3"), STEPS (the generate command's default),
# GUIDANCE (7.5), PROMPTS (newline-separated; two shapes captions by default), OUT (a temporary folder; the PNGs are
# kept there), LIMIT (1: exit 1 when the overall mean difference exceeds it).
# The reference: `source ../shared/reference/env.sh` first, or this script sources it itself when $PY is unset.
# Without it (no $PY, or diffusers not importable) the comparison is skipped with a message and exit status 0.
set -euo pipefail

model="${1:?usage: models/tools/compare_with_diffusers.sh MODEL_DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="$root/models/tools"
if [[ ! -f "$model/model_index.json" ]]; then
  echo "compare: $model is not a diffusers folder (no model_index.json)" >&2
  exit 2
fi
model="$(cd "$model" && pwd)"

ref_env="${REF_ENV:-$root/../shared/reference/env.sh}"
if [[ -z "${PY:-}" && -f "$ref_env" ]]; then
  # shellcheck disable=SC1090
  source "$ref_env"
fi
if [[ -z "${PY:-}" ]] || ! "$PY" -c 'import torch, diffusers, transformers, PIL, numpy' >/dev/null 2>&1; then
  echo "compare: SKIPPED: the diffusers reference is not set up" \
    "(no \$PY, or diffusers v0.24 not importable with it)." >&2
  echo "compare: set it up as ../shared/reference/README.md says (models/tools/README.md has the steps)," \
    "then: source ../shared/reference/env.sh" >&2
  exit 0
fi

samplers="${SAMPLERS:-plms ddim}"
seeds="${SEEDS:-1 2 3}"
guidance="${GUIDANCE:-7.5}"
if [[ -z "${STEPS:-}" ]]; then
  # The generate command's own default, so the comparison follows it if it changes.
  STEPS="$("$root/kiln" generate --help | sed -n 's/.*--steps=.*(default: \([0-9]*\)).*/\1/p')"
  STEPS="${STEPS:-50}"
fi
prompts="${PROMPTS:-a red circle on a blue background
a small green triangle in the top left corner}"
out="${OUT:-$(mktemp -d /tmp/kiln-vs-diffusers.XXXXXX)}"
mkdir -p "$out"
limit="${LIMIT:-1}"

echo "compare: $model, samplers: $samplers, seeds: $seeds, $STEPS steps, guidance $guidance; images in $out" >&2
pairs="$out/pairs.tsv"
: >"$pairs"
p=0
while IFS= read -r prompt; do
  [[ -n "$prompt" ]] || continue
  for sampler in $samplers; do
    # diffusers: one process per prompt and sampler, each seed with its own generator.
    # shellcheck disable=SC2086
    "$PY" "$tools/diffusers_generate.py" "$model" --prompt "$prompt" --seed $seeds --steps "$STEPS" \
      --guidance "$guidance" --sampler "$sampler" --out "$out/p$p-$sampler-s{seed}-diffusers.png" \
      >"$out/p$p-$sampler-diffusers.log" 2>&1 || { cat "$out/p$p-$sampler-diffusers.log" >&2; exit 1; }
    for seed in $seeds; do
      kiln_png="$out/p$p-$sampler-s$seed-kiln.png"
      "$root/kiln" generate --model "$model" --prompt "$prompt" --seed "$seed" --sampler "$sampler" \
        --steps "$STEPS" --guidance "$guidance" --out "$kiln_png" >"$out/p$p-$sampler-s$seed-kiln.log" 2>&1 \
        || { cat "$out/p$p-$sampler-s$seed-kiln.log" >&2; exit 1; }
      printf '%s\t%s\t%s\t%s\t%s\n' "$prompt" "$sampler" "$seed" "$kiln_png" \
        "$out/p$p-$sampler-s$seed-diffusers.png" >>"$pairs"
      echo "compare: drew p$p $sampler seed $seed" >&2
    done
  done
  p=$((p + 1))
done <<<"$prompts"

"$PY" - "$pairs" "$limit" "$STEPS" "$guidance" <<'PYEOF'
import sys

import numpy as np
from PIL import Image

pairs, limit, steps, guidance = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
print(f"| prompt | sampler | seed | mean \\|Δ\\| | max \\|Δ\\| | values that differ |")
print("|---|---|---:|---:|---:|---:|")
means, per_sampler = [], {}
for line in open(pairs, encoding="utf-8"):
    prompt, sampler, seed, kiln, ref = line.rstrip("\n").split("\t")
    a = np.asarray(Image.open(kiln).convert("RGB"), dtype=np.int16)
    b = np.asarray(Image.open(ref).convert("RGB"), dtype=np.int16)
    if a.shape != b.shape:
        sys.exit(f"compare: sizes differ: kiln {a.shape}, diffusers {b.shape} ({kiln})")
    d = np.abs(a - b)
    means.append(d.mean())
    per_sampler.setdefault(sampler, []).append(d.mean())
    print(f"| {prompt} | {sampler} | {seed} | {d.mean():.4f} | {d.max()} | {np.count_nonzero(d)} of {d.size} |")
overall = float(np.mean(means))
print()
for sampler, values in per_sampler.items():
    print(f"{sampler}: mean {np.mean(values):.4f} grey levels over {len(values)} images")
print(f"overall mean |Δ| = {overall:.4f} grey levels over {len(means)} images ({steps} steps, guidance {guidance};"
      f" limit {limit:g})")
sys.exit(0 if overall <= limit else 1)
PYEOF
