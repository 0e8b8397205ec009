#!/usr/bin/env bash
# The benchmarks' quick mode: allocation budgets of the hot paths (deterministic), timing ratios reported but not gated.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --ci
