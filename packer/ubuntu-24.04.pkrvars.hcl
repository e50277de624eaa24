# Ubuntu 24.04.3 LTS live server (amd64). The checksum is a literal so that
# `packer validate` needs no network; take it from the release's SHA256SUMS when bumping.
iso_url = "https://releases.ubuntu.com/24.04.3/ubuntu-24.04.3-live-server-amd64.iso"
iso_fallback_urls = [
  "https://old-releases.ubuntu.com/releases/24.04.3/ubuntu-24.04.3-live-server-amd64.iso",
]
iso_checksum = "sha256:c3514bf0056180d09376462a7a1b4f213c1d6e8ea67fae5c25099c6fd3d8274b"

disk_size = "80G"
cpus      = 4
memory    = 8192
