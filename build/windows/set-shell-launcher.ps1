#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Applies shell-launcher.xml (Shell Launcher v2) through the MDM bridge: the kiosk account's
    shell becomes the kiosk, restarted whenever it exits.

.DESCRIPTION
    The MDM bridge takes the configuration only from the SYSTEM account. With Sysinternals
    PsExec, from an elevated prompt:
        PsExec.exe -s -i powershell -ExecutionPolicy Bypass -File "C:\Program Files\Kiosk\deploy\windows\set-shell-launcher.ps1"
    -Remove takes the configuration away again (every account gets Explorer back).
#>
[CmdletBinding()]
param(
    [string] $Account = "kiosk",
    [switch] $Remove
)
Set-StrictMode -Version Latest
$ErrorActionPreference = "Stop"

if ([Security.Principal.WindowsIdentity]::GetCurrent().User.Value -ne "S-1-5-18") {
    throw "Run this as SYSTEM (PsExec.exe -s -i powershell ...): the MDM bridge refuses other accounts."
}
$assigned = Get-CimInstance -Namespace "root\cimv2\mdm\dmmap" -ClassName "MDM_AssignedAccess"
if ($Remove) {
    $assigned.ShellLauncher = $null
    Set-CimInstance -CimInstance $assigned
    Write-Host "Shell Launcher configuration removed."
    return
}
$xml = Get-Content -Raw (Join-Path $PSScriptRoot "shell-launcher.xml")
$xml = $xml.Replace("ACCOUNT_NAME", "$env:COMPUTERNAME\$Account")
[xml] $xml | Out-Null  # stop here if the file is no longer well-formed
Add-Type -AssemblyName System.Web
$assigned.ShellLauncher = [System.Web.HttpUtility]::HtmlEncode($xml)
Set-CimInstance -CimInstance $assigned
Write-Host "Shell Launcher: $env:COMPUTERNAME\$Account now starts the kiosk as its shell (from the next sign-in)."
