#!/usr/bin/env bash
# Retakes docs/images' dashboard screenshots from today's app: runs the browser tests, which drive the
# dashboard in Chromium and save what they see to artifacts/dashboard/, then copies the four that
# docs/observability.md shows. From the repository root:
#   bash RetryDemo.Tests/Dashboard/retake-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RETRYDEMO_REQUIRE_BROWSER=1 dotnet test RetryDemo.Tests --filter "Category=Browser"
for name in resources trace-detail trace-hedged structured-logs; do
  cp "artifacts/dashboard/$name.png" "docs/images/$name.png"
done
echo "docs/images: resources.png, trace-detail.png, trace-hedged.png and structured-logs.png retaken"
