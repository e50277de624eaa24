# Variables for the Ubuntu 24.04 workstation image (task 1a.3).
# Values for a specific release live in ubuntu-24.04.pkrvars.hcl.

variable "iso_url" {
  type        = string
  description = "Ubuntu live-server ISO."
}

variable "iso_fallback_urls" {
  type        = list(string)
  default     = []
  description = "Mirrors tried after iso_url (old point releases move to old-releases.ubuntu.com)."
}

variable "iso_checksum" {
  type        = string
  description = "Literal \"sha256:<hex>\" of the ISO (no file: URL, so validation works offline)."

  validation {
    condition     = substr(var.iso_checksum, 0, 7) == "sha256:" && length(var.iso_checksum) == 71
    error_message = "The iso_checksum must be a literal \"sha256:<64 hex digits>\"."
  }
}

variable "vm_name" {
  type        = string
  default     = "ws-5090-ubuntu-24.04.qcow2"
  description = "File name of the disk image inside output_directory."
}

variable "output_directory" {
  type        = string
  default     = "output-ws-5090"
  description = "Where the image is written (relative to the directory packer runs in)."
}

variable "disk_size" {
  type        = string
  default     = "80G"
  description = "Virtual disk size. The root filesystem grows to the real disk on first boot (cloud-init growpart)."
}

variable "cpus" {
  type        = number
  default     = 4
  description = "vCPUs of the build VM."
}

variable "memory" {
  type        = number
  default     = 8192
  description = "Memory of the build VM in MiB."
}

variable "accelerator" {
  type        = string
  default     = "kvm"
  description = "QEMU accelerator: kvm, or tcg where /dev/kvm is missing (much slower)."

  validation {
    condition     = contains(["kvm", "tcg"], var.accelerator)
    error_message = "The accelerator must be kvm or tcg."
  }
}

variable "headless" {
  type        = bool
  default     = true
  description = "Run QEMU without a display window."
}

variable "ovmf_code" {
  type        = string
  default     = "/usr/share/OVMF/OVMF_CODE_4M.fd"
  description = "UEFI firmware code (package ovmf), mapped read-only through qemuargs."
}

variable "ovmf_vars" {
  type        = string
  default     = "/usr/share/OVMF/OVMF_VARS_4M.fd"
  description = "UEFI variable store template. It is opened with snapshot=on, so the packaged file is never written."
}

variable "boot_wait" {
  type        = string
  default     = "5s"
  description = "Time to wait for the GRUB menu of the ISO."
}

variable "ssh_username" {
  type        = string
  default     = "builder"
  description = "Build-only account created by http/user-data; its password is locked when the build ends."
}

variable "ssh_password" {
  type        = string
  default     = "critpath-build"
  sensitive   = true
  description = "Password of ssh_username; must match the hash in http/user-data. Build-only (locked at the end)."
}

variable "ssh_timeout" {
  type        = string
  default     = "60m"
  description = "How long to wait for the installer to finish and SSH to come up."
}

variable "admin_username" {
  type        = string
  default     = "admin"
  description = "Administrator account baked into the image by the ansible base role."
}

variable "admin_ssh_public_key" {
  type        = string
  default     = ""
  description = "Public key for admin_username. Empty creates no admin account (password login is disabled in the image)."
}
