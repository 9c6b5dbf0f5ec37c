"""Add to a copy of the 10k corpus (gen-corpus --pledges 10000 --news 20000 --seed 1) one news
item that updates every pledge of report anlin-2021 (50): python3 benches/many_news.py SITE"""
import re, sys
site = sys.argv[1]
ids = re.findall(r"^  - id: (\S+)", open(f"{site}/content/pledges/anlin-2021.yaml").read(), re.M)
ups = "".join(f"  - pledge: anlin-2021/{i}\n    status: in_progress\n" for i in ids)
open(f"{site}/content/news/2021/anlin-2021-many.md", "w").write(
    f"---\ntitle: 安林区年终盘点\ndate: 2021-12-20\njurisdictions: [anlin]\nupdates:\n{ups}---\n安林区各项工作有序推进。\n")
print(len(ids), "updates")
