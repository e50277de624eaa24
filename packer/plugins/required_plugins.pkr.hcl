# For Packer >= 1.7 only (Packer 1.6.6 in Debian 12 rejects required_plugins, which is
# why this file lives outside packer/). With a recent Packer:
#   packer init packer/plugins/
#   packer build -var-file=packer/ubuntu-24.04.pkrvars.hcl packer/
packer {
  required_version = ">= 1.7.0"
  required_plugins {
    qemu = {
      version = ">= 1.1.0"
      source  = "github.com/hashicorp/qemu"
    }
    ansible = {
      version = ">= 1.1.0"
      source  = "github.com/hashicorp/ansible"
    }
  }
}
