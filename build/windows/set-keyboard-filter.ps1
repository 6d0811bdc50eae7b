#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Keyboard Filter: the key combinations that leave or disturb the kiosk are blocked for the
    kiosk's account (administrators are never filtered, so IT can always sign in and fix).

.DESCRIPTION
    Needs the Client-KeyboardFilter feature (install.ps1 enables it; restart once after).
    Run from an elevated PowerShell:
        powershell -ExecutionPolicy Bypass -File deploy\windows\set-keyboard-filter.ps1
    -Remove unblocks them all again.
#>
[CmdletBinding()]
param([switch] $Remove)
Set-StrictMode -Version Latest
$ErrorActionPreference = "Stop"

$namespace = "root\standardcimv2\embedded"
# Leaving the kiosk, the task manager, the lock screen, switching windows, the Start menu, and
# the accessibility shortcuts that open Windows' own dialogs over the kiosk (the kiosk has its
# own text size, contrast and read-aloud).
$blocked = @(
    "Ctrl+Alt+Del", "Ctrl+Shift+Esc", "Ctrl+Esc", "Alt+F4", "Alt+Tab", "Alt+Esc", "Alt+Space",
    "Win+L", "Win+D", "Win+E", "Win+R", "Win+Tab", "Win+U", "Windows",
    "LShift+LAlt+PrintScrn", "LShift+LAlt+NumLock"
)

try {
    $settings = Get-CimInstance -Namespace $namespace -ClassName "WEKF_Settings"
} catch {
    throw "Keyboard Filter is not installed: run install.ps1 (it enables Client-KeyboardFilter) and restart."
}
$forAdmins = $settings | Where-Object { $_.Name -eq "DisableKeyboardFilterForAdministrators" }
if ($null -ne $forAdmins) {
    Set-CimInstance -InputObject $forAdmins -Property @{ Value = "true" }
}

foreach ($combination in $blocked) {
    $key = Get-CimInstance -Namespace $namespace -ClassName "WEKF_PredefinedKey" `
        -Filter "Id='$combination'" -ErrorAction SilentlyContinue
    if ($null -eq $key) {
        Write-Warning "Keyboard Filter does not know '$combination' on this Windows: skipped."
        continue
    }
    Set-CimInstance -InputObject $key -Property @{ Enabled = (-not $Remove) }
    Write-Host ("{0}: {1}" -f $combination, $(if ($Remove) { "allowed" } else { "blocked" }))
}
Write-Host "Keyboard Filter set; it applies at once, to every account but administrators."
