# Ubuntu 24.04 server image for the 4x RTX 5090 workstation (task 1a.3).
#
#   packer validate -var-file=packer/ubuntu-24.04.pkrvars.hcl packer/
#   packer build    -var-file=packer/ubuntu-24.04.pkrvars.hcl packer/
#
# Works with Packer 1.6.6 (Debian 12), where the qemu builder and the ansible
# provisioner are built in: no required_plugins here (newer Packer: see plugins/).
# UEFI comes from qemuargs pflash drives because 1.6.6 has no efi_boot/firmware options;
# once qemuargs contains a -drive, Packer adds no drives of its own, so the disk and the
# ISO are listed here too.
# The image gets only the hardware-agnostic roles (tag "image": base, security, docker,
# python). The GPU roles run on the real host after first boot.

locals {
  iso_target_path = "${path.root}/packer_cache/${basename(var.iso_url)}"
  ansible_dir     = "${path.root}/../ansible"
  admin_users = var.admin_ssh_public_key == "" ? [] : [{
    name     = var.admin_username
    comment  = "Workstation administrator"
    sudo     = true
    ssh_keys = [var.admin_ssh_public_key]
  }]
}

source "qemu" "ubuntu" {
  vm_name          = var.vm_name
  output_directory = var.output_directory
  format           = "qcow2"
  disk_size        = var.disk_size
  disk_interface   = "virtio"
  disk_discard     = "unmap"
  net_device       = "virtio-net"
  machine_type     = "q35"
  accelerator      = var.accelerator
  cpus             = var.cpus
  memory           = var.memory
  headless         = var.headless

  iso_urls        = concat([var.iso_url], var.iso_fallback_urls)
  iso_checksum    = var.iso_checksum
  iso_target_path = local.iso_target_path

  qemuargs = [
    ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=${var.ovmf_code}"],
    ["-drive", "if=pflash,format=raw,unit=1,snapshot=on,file=${var.ovmf_vars}"],
    ["-drive", "file=${var.output_directory}/${var.vm_name},if=virtio,cache=writeback,discard=unmap,format=qcow2"],
    ["-drive", "file=${local.iso_target_path},media=cdrom"],
  ]

  # Autoinstall: user-data and meta-data are served by Packer's HTTP server.
  http_directory = "${path.root}/http"
  boot_wait      = var.boot_wait
  boot_command = [
    "<wait>e<wait><down><down><down><end>",
    " autoinstall ds=nocloud-net\\;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/",
    "<wait><f10><wait>",
  ]

  communicator           = "ssh"
  ssh_username           = var.ssh_username
  ssh_password           = var.ssh_password
  ssh_timeout            = var.ssh_timeout
  ssh_handshake_attempts = 500

  # Lock the build account and drop its sudo rule in the same root shell that powers off.
  shutdown_command = "echo '${var.ssh_password}' | sudo -S sh -c 'passwd -l ${var.ssh_username} && rm -f /etc/sudoers.d/90-packer-build && shutdown -P now'"
  shutdown_timeout = "10m"
}

build {
  sources = ["source.qemu.ubuntu"]

  provisioner "shell" {
    execute_command = "echo '${var.ssh_password}' | {{ .Vars }} sudo -S -E sh -eu '{{ .Path }}'"
    inline = [
      "cloud-init status --wait || true",
      "apt-get update",
    ]
  }

  # Packer 1.6.6 proxies Ansible's SSH through a local adapter whose host key and client key
  # are RSA keys signed with SHA-1 ("ssh-rsa"). OpenSSH >= 8.8 (Debian 12 ships 9.2) refuses
  # that algorithm, so without the two -o options below the image roles never run. We keep the
  # proxy (use_proxy = false would need the build password in Ansible's inventory and sshpass,
  # because Packer 1.6.6 hands Ansible only an SSH key, and this build logs in by password).
  # ssh-rsa is re-enabled only for this connection to 127.0.0.1 with keys generated per build.
  # Its SFTP subsystem path must be Ubuntu's, or file transfers through the proxy fail.
  provisioner "ansible" {
    playbook_file = "${local.ansible_dir}/site.yml"
    groups        = ["workstation"]
    user          = var.ssh_username
    sftp_command  = "/usr/lib/openssh/sftp-server -e"
    ansible_env_vars = [
      "ANSIBLE_CONFIG=${local.ansible_dir}/ansible.cfg",
      "ANSIBLE_HOST_KEY_CHECKING=False",
    ]
    extra_arguments = [
      "--tags", "image",
      # Replaces Packer's own --ssh-extra-args (the last one wins), so IdentitiesOnly stays.
      "--ssh-extra-args", "-o IdentitiesOnly=yes -o HostKeyAlgorithms=+ssh-rsa -o PubkeyAcceptedAlgorithms=+ssh-rsa",
      "--extra-vars", jsonencode({
        workstation_image_build    = true
        ansible_python_interpreter = "/usr/bin/python3"
        base_users                 = local.admin_users
        # The admin account has no password (SSH key only) and the build account is locked at
        # shutdown: sudo without a password for the admin group is the way to root after boot.
        base_sudo_nopasswd = true
      }),
    ]
  }

  provisioner "shell" {
    execute_command = "echo '${var.ssh_password}' | {{ .Vars }} sudo -S -E sh -eu '{{ .Path }}'"
    script          = "${path.root}/scripts/cleanup.sh"
  }

  post-processor "checksum" {
    checksum_types = ["sha256"]
    output         = "${var.output_directory}/${var.vm_name}.{{ .ChecksumType }}"
  }
}
