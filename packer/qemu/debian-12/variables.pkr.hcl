# Line settings: packer/config/qemu-debian-12.pkrvars.hcl

variable "base_name" {
  type        = string
  description = "Stable image name; this build makes <base_name>-build.qcow2 (promotion renames it)."
}

variable "base_image" {
  type        = string
  description = "The disk the build starts from: the Debian 12 base that scripts/setup-infra makes (.infra/images/)."
}

variable "base_image_checksum" {
  type        = string
  description = "Its checksum, as Packer's iso_checksum: \"file:<path>.sha256\" (written by scripts/setup-infra) or \"sha256:<hex>\"."
}

variable "admin_user" {
  type        = string
  default     = "debian"
  description = "The image's default (cloud-init) user, through which Packer and Ansible log in; must equal os_admin_user in .images.yaml."
}

# .images.yaml build_override: goldsmith passes PKR_VAR_disk_size / PKR_VAR_memory.

variable "disk_size" {
  type        = string
  default     = "3G"
  description = "Virtual disk size of the image (cloud-init grows the root partition into it)."
}

variable "memory" {
  type        = number
  default     = 1024
  description = "Build VM memory in MiB."
}

# Set by goldsmith for each build (PKR_VAR_*): a throwaway key and the
# cloud-init seed that authorizes it for admin_user, and the job's folders.

variable "ssh_private_key_file" {
  type        = string
  description = "Private half of the build's throwaway SSH key."
}

variable "cloud_init_user_data" {
  type        = string
  description = "NoCloud user-data giving admin_user the throwaway key (on a CD labelled cidata)."
}

variable "cloud_init_meta_data" {
  type        = string
  description = "NoCloud meta-data (instance-id) for the same CD."
}

variable "output_directory" {
  type        = string
  default     = "output"
  description = "Where the image is written; must not exist. goldsmith passes <job folder>/output."
}

variable "manifest_path" {
  type        = string
  default     = "manifest.json"
  description = "goldsmith sets PKR_VAR_manifest_path to a file in the job's folder."
}
