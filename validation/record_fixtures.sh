#!/usr/bin/env bash
# Record real nvidia-smi output and each validation script's --json into OUTDIR, in the layout of
# validation/tests/fixtures/<machine>/ (so a recording can replace the synthetic fixtures directly).
#
# Usage: validation/record_fixtures.sh OUTDIR [--smi-only] [--stress-minutes M]
#   --smi-only          only the nvidia-smi / kernel-log captures (no torch runs)
#   --stress-minutes M  duration of the stress.py sample (default 1)
# Env: PYTHON (default python3), MODEL (local model dir for inference_check's vLLM path).
# Every step records its exit code in OUTDIR/rc.txt; a failing step does not stop the recording.
set -uo pipefail

if [ $# -lt 1 ]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
out=$1
shift
smi_only=0
stress_minutes=1
while [ $# -gt 0 ]; do
  case "$1" in
    --smi-only) smi_only=1 ;;
    --stress-minutes) stress_minutes=$2; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}
mkdir -p "$out"
: > "$out/rc.txt"

step() { # step NAME STDOUT_FILE CMD... ; stderr goes to STDOUT_FILE.stderr
  local name=$1 file=$2
  shift 2
  "$@" > "$out/$file" 2> "$out/$file.stderr"
  local rc=$?
  echo "$name $rc" >> "$out/rc.txt"
  [ -s "$out/$file.stderr" ] || rm -f "$out/$file.stderr"
  echo "recorded $name (rc=$rc) -> $out/$file" >&2
}

if ! command -v nvidia-smi > /dev/null 2>&1; then
  echo "nvidia-smi not found" >&2
  exit 2
fi

gpu_fields=$("$py" "$here/smi.py" fields gpu_check)
stress_fields=$("$py" "$here/smi.py" fields stress)
echo "$gpu_fields" > "$out/query_gpu.fields"
echo "$stress_fields" > "$out/query_stress.fields"

step nvidia_smi nvidia_smi.txt nvidia-smi
step query_gpu query_gpu.csv nvidia-smi "--query-gpu=$gpu_fields" --format=csv,noheader,nounits
step topo_m topo_m.txt nvidia-smi topo -m
step nvidia_smi_q nvidia_smi_q.txt nvidia-smi -q
step remapped_rows remapped_rows.csv nvidia-smi --query-remapped-rows=gpu_bus_id,gpu_uuid,remapped_rows.correctable,remapped_rows.uncorrectable,remapped_rows.pending,remapped_rows.failure --format=csv,noheader
# NVRM lines only (Xids, module load banner); the rest of the kernel log stays private
kernel_nvrm_lines() {
  local j
  j=$(journalctl -k -b --no-pager -q 2> /dev/null | grep -E "NVRM|nvidia")
  if [ -n "$j" ]; then echo "$j"; else dmesg | grep -E "NVRM|nvidia"; fi
}
step kernel_nvrm kernel_nvrm.txt kernel_nvrm_lines
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(hostname)"
  echo "kernel: $(uname -r)"
  echo "CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES-<unset>}"
  "$py" -c 'import sys, platform; print("python:", platform.python_version())'
  "$py" -c 'import torch; print("torch:", torch.__version__, "cuda:", torch.version.cuda, "nccl:", torch.cuda.nccl.version() if torch.cuda.is_available() else None, "arch:", torch.cuda.get_arch_list())' 2>&1
  cat /proc/driver/nvidia/version 2>/dev/null
} > "$out/env.txt"

if [ "$smi_only" = 1 ]; then
  echo "done (nvidia-smi only): $out" >&2
  exit 0
fi

ngpu=$(grep -c . "$out/query_gpu.csv" || true)
step gpu_check gpu_check.json "$py" "$here/gpu_check.py" --json --expect "$ngpu"
if [ "$ngpu" -ge 2 ]; then
  # last GPU first: proves the CUDA_VISIBLE_DEVICES -> physical GPU mapping on real hardware
  step gpu_check_cvd gpu_check_cvd.json env CUDA_VISIBLE_DEVICES="$((ngpu - 1)),0" "$py" "$here/gpu_check.py" --json --expect 2 --no-p2p
fi
step ddp_check_torchrun ddp_check_torchrun.json "$py" "$here/ddp_check.py" --json
step ddp_check_spawn ddp_check_spawn.json "$py" "$here/ddp_check.py" --spawn --json
if [ -n "${MODEL:-}" ]; then
  step inference_check inference_check.json "$py" "$here/inference_check.py" --json --model "$MODEL"
else
  step inference_check inference_check.json "$py" "$here/inference_check.py" --json
fi
# raw stress-time nvidia-smi samples (throttle reasons under load) while stress.py runs
"$py" "$here/stress.py" --json --minutes "$stress_minutes" --interval 5 --log-csv "$out/stress_log.csv" > "$out/stress.json" 2> "$out/stress.json.stderr" &
spid=$!
sleep 20
: > "$out/query_stress.csv"
for _ in 1 2 3; do
  nvidia-smi "--query-gpu=$stress_fields" --format=csv,noheader,nounits >> "$out/query_stress.csv" 2>> "$out/query_stress.csv.stderr"
  sleep 5
done
wait "$spid"
echo "stress $?" >> "$out/rc.txt"
[ -s "$out/query_stress.csv.stderr" ] || rm -f "$out/query_stress.csv.stderr"
cat "$out/rc.txt" >&2
echo "done: $out" >&2
