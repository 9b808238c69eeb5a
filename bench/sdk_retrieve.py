"""Retrieves every id of a file with the official openai SDK's AsyncOpenAI, N requests in flight.

    python bench/sdk_retrieve.py BASE_URL IDS_FILE [CONCURRENCY]

The key comes from SORATRACK_SIM_KEY. Prints one line: `requests SECONDS RATE errors`, timed from the
first request to the last answer (client construction and imports excluded), so the rate is the SDK's
best case: no storage, the parsed objects are dropped.
"""

import asyncio
import os
import sys
import time
import warnings

import openai

# The SDK warns on every videos call that the hosted Sora API is being retired; irrelevant to a local timing.
warnings.simplefilter("ignore", DeprecationWarning)


async def main() -> None:
    base_url, ids_file = sys.argv[1], sys.argv[2]
    concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    with open(ids_file, encoding="utf-8") as handle:
        ids = [line.strip() for line in handle if line.strip()]
    client = openai.AsyncOpenAI(
        api_key=os.environ["SORATRACK_SIM_KEY"], base_url=base_url, max_retries=0, timeout=30
    )
    queue = iter(ids)
    errors = 0

    async def worker() -> None:
        nonlocal errors
        for video_id in queue:
            try:
                await client.videos.retrieve(video_id)
            except openai.OpenAIError:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    await client.close()
    print(f"{len(ids)} {elapsed:.3f} {len(ids) / elapsed:.1f} {errors}")


if __name__ == "__main__":
    asyncio.run(main())
