#!/usr/bin/env python3
"""Check packer/http/user-data against a subset of subiquity's autoinstall schema (v1).

`cloud-init schema` does not validate the `autoinstall:` section, so this checks the keys
the unattended install depends on, plus consistency with the Packer variables.
Usage: check_autoinstall.py packer/http/user-data packer/variables.pkr.hcl
       check_autoinstall.py --bare-metal packer/bare-metal/user-data
Both need a `network:` section that matches NICs by a name glob (not the build VM's NIC).
The bare-metal file must hold no password or password hash, no password SSH, no sudoers
late-command, and at least one SSH key.
"""
import re
import sys

import jsonschema
import yaml

# netplan v2 with at least one ethernet entry that matches by a name glob and uses DHCP.
NETWORK_SCHEMA = {
    "type": "object",
    "required": ["version", "ethernets"],
    "properties": {
        "version": {"const": 2},
        "ethernets": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "required": ["match", "dhcp4"],
                "properties": {
                    "match": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": {"type": "string", "pattern": r"\*"}},
                        "not": {"required": ["macaddress"]},
                    },
                    "dhcp4": {"const": True},
                },
            },
        },
    },
}

SCHEMA = {
    "type": "object",
    "required": ["autoinstall"],
    "properties": {
        "autoinstall": {
            "type": "object",
            "required": ["version", "identity", "ssh", "storage", "network"],
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
                "network": NETWORK_SCHEMA,
                "packages": {"type": "array", "items": {"type": "string"}, "contains": {"const": "python3"}},
                "early-commands": {"type": "array", "items": {"type": "string"}},
                "late-commands": {"type": "array", "items": {"type": "string"}},
                "shutdown": {"enum": ["reboot", "poweroff"]},
            },
        }
    },
}


HASH_RE = re.compile(r"\$(1|2[aby]?|5|6|y|gy|7)\$")
PASSWORD_KEYS = {"password", "passwd", "hashed_passwd", "plain_text_passwd", "chpasswd"}

BARE_METAL_SCHEMA = {
    "type": "object",
    "required": ["autoinstall"],
    "properties": {
        "autoinstall": {
            "type": "object",
            "required": ["version", "user-data", "ssh", "storage", "network"],
            "not": {"anyOf": [{"required": ["identity"]}, {"required": ["late-commands"]}]},
            "properties": {
                "version": {"const": 1},
                "ssh": {
                    "type": "object",
                    "required": ["install-server", "allow-pw", "authorized-keys"],
                    "properties": {
                        "install-server": {"const": True},
                        "allow-pw": {"const": False},
                        "authorized-keys": {"type": "array", "minItems": 1,
                                            "items": {"type": "string", "pattern": "^ssh-"}},
                    },
                },
                "user-data": {
                    "type": "object",
                    "required": ["users"],
                    "properties": {
                        "users": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "object",
                                "required": ["name", "lock_passwd", "ssh_authorized_keys"],
                                "properties": {
                                    "lock_passwd": {"const": True},
                                    "ssh_authorized_keys": {"type": "array", "minItems": 1},
                                },
                            },
                        }
                    },
                },
                "storage": {"type": "object", "required": ["layout"]},
                "network": NETWORK_SCHEMA,
            },
        }
    },
}


def walk(node, path=()):
    """Yield (path, key, value) for every mapping entry and (path, None, value) for every scalar."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield path, k, v
            yield from walk(v, path + (str(k),))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + (str(i),))
    else:
        yield path, None, node


def load_cloud_config(user_data_path: str, schema: dict):
    """The user-data document when it is a #cloud-config that passes `schema`; else None (printed)."""
    text = open(user_data_path, encoding="utf-8").read()
    if not text.startswith("#cloud-config\n"):
        print(f"FAIL {user_data_path}: first line must be '#cloud-config'")
        return None
    doc = yaml.safe_load(text)
    try:
        jsonschema.validate(doc, schema)
    except jsonschema.ValidationError as err:
        print(f"FAIL {user_data_path}: {'/'.join(map(str, err.absolute_path))}: {err.message}")
        return None
    return doc


def check_bare_metal(user_data_path: str) -> int:
    doc = load_cloud_config(user_data_path, BARE_METAL_SCHEMA)
    if doc is None:
        return 1
    for path, key, value in walk(doc):
        where = "/".join(path + ((str(key),) if key is not None else ()))
        if key is not None and str(key).lower() in PASSWORD_KEYS:
            print(f"FAIL {user_data_path}: {where}: a password key has no place in the bare-metal user-data")
            return 1
        if isinstance(value, str) and (HASH_RE.search(value) or "sudoers" in value):
            print(f"FAIL {user_data_path}: {where}: looks like a password hash or a sudoers edit: {value!r}")
            return 1
    auto = doc["autoinstall"]
    users = [u["name"] for u in auto["user-data"]["users"]]
    print(f"OK {user_data_path}: autoinstall v1, no password, key-only SSH for {', '.join(users)}, "
          f"network {list(auto['network']['ethernets'])} by name glob")
    return 0


def main(user_data_path: str, variables_path: str) -> int:
    doc = load_cloud_config(user_data_path, SCHEMA)
    if doc is None:
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
    if sys.argv[1:2] == ["--bare-metal"]:
        sys.exit(check_bare_metal(sys.argv[2]))
    sys.exit(main(*sys.argv[1:3]))
