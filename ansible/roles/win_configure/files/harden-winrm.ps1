# Leaves WinRM as a clone should find it: no plain-HTTP listener, no Basic
# authentication, no unencrypted traffic. Whoever manages the clone adds an
# HTTPS listener with its own certificate. Runs last, from finalize.ps1,
# because it ends Packer's own connection.
$ErrorActionPreference = 'Stop'

Set-Item -Path WSMan:\localhost\Service\AllowUnencrypted -Value $false
Set-Item -Path WSMan:\localhost\Service\Auth\Basic -Value $false
Set-Item -Path WSMan:\localhost\Client\AllowUnencrypted -Value $false
Set-Item -Path WSMan:\localhost\Client\Auth\Basic -Value $false

Get-ChildItem -Path WSMan:\localhost\Listener |
  Where-Object { $_.Keys -contains 'Transport=HTTP' } |
  Remove-Item -Recurse -Force

Get-NetFirewallRule -Name 'WINRM-HTTP-In-TCP*' -ErrorAction SilentlyContinue |
  Disable-NetFirewallRule
