#!/usr/bin/env python3
"""Check packer/http/user-data against a subset of subiquity's autoinstall schema (v1).

`cloud-init schema` does not validate the `autoinstall:` section, so this checks the keys
the unattended install depends on, plus consistency with the Packer variables.
Usage: check_autoinstall.py packer/http/user-data packer/variables.pkr.hcl
"""
import re
import sys

import jsonschema
import yaml

SCHEMA = {
    "type": "object",
    "required": ["autoinstall"],
    "properties": {
        "autoinstall": {
            "type": "object",
            "required": ["version", "identity", "ssh", "storage"],
            "properties": {
                "version": {"const": 1},
                "identity": {
                    "type": "object",
                    "required": ["hostname", "username", "password"],
                    "properties": {
                        "hostname": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"},
                        "username": {"type": "string", "pattern": "^[a-z_][a-z0-9_-]*$"},
                        "password": {"type": "string", "pattern": r"^\$6\$"},
                    },
                },
                "ssh": {
                    "type": "object",
                    "required": ["install-server"],
                    "properties": {"install-server": {"const": True}, "allow-pw": {"type": "boolean"}},
                },
                "storage": {"type": "object", "required": ["layout"]},
                "packages": {"type": "array", "items": {"type": "string"}, "contains": {"const": "python3"}},
                "early-commands": {"type": "array", "items": {"type": "string"}},
                "late-commands": {"type": "array", "items": {"type": "string"}},
                "shutdown": {"enum": ["reboot", "poweroff"]},
            },
        }
    },
}


def main(user_data_path: str, variables_path: str) -> int:
    text = open(user_data_path, encoding="utf-8").read()
    if not text.startswith("#cloud-config\n"):
        print(f"FAIL {user_data_path}: first line must be '#cloud-config'")
        return 1
    doc = yaml.safe_load(text)
    try:
        jsonschema.validate(doc, SCHEMA)
    except jsonschema.ValidationError as err:
        print(f"FAIL {user_data_path}: {'/'.join(map(str, err.absolute_path))}: {err.message}")
        return 1
    auto = doc["autoinstall"]
    hcl = open(variables_path, encoding="utf-8").read()
    m = re.search(r'variable "ssh_username" \{.*?default\s*=\s*"([^"]+)"', hcl, re.S)
    if not m or m.group(1) != auto["identity"]["username"]:
        print(f"FAIL ssh_username default ({m.group(1) if m else None}) != identity.username "
              f"({auto['identity']['username']})")
        return 1
    if not any("ssh" in c for c in auto.get("early-commands", [])):
        print("FAIL early-commands must stop the installer's sshd (Packer would connect to the installer)")
        return 1
    print(f"OK {user_data_path}: autoinstall v1, identity {auto['identity']['username']}@"
          f"{auto['identity']['hostname']}, storage layout {auto['storage']['layout'].get('name')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
