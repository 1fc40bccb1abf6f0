@echo off
rem zoho-call-tickets for Windows: double-click to start. Ctrl+C stops it cleanly.
setlocal
cd /d "%~dp0"
title zoho-call-tickets

where node >nul 2>nul
if errorlevel 1 (
  echo Node.js is not installed. Install the LTS version from https://nodejs.org/ and run this again.
  goto :fail
)
for /f "tokens=1 delims=v." %%v in ('node --version') do set NODE_MAJOR=%%v
if %NODE_MAJOR% LSS 20 (
  echo Node.js 20 or newer is needed; this PC has:
  node --version
  echo Install the LTS version from https://nodejs.org/ and run this again.
  goto :fail
)

if not exist ".env" (
  echo There is no .env file yet. Copy env.example to .env, fill in your keys ^(see README.md^), and run this again.
  goto :fail
)

if not exist "node_modules\" (
  echo Installing dependencies ^(first run only^)...
  call npm ci --no-audit --no-fund
  if errorlevel 1 (
    echo Installing dependencies failed. Check the internet connection and run this again.
    goto :fail
  )
)

echo Building...
call npm run build --silent
if errorlevel 1 (
  echo The build failed; see the messages above.
  goto :fail
)

:run
echo Starting zoho-call-tickets. Its log is zoho_processor.log in this folder. Press Ctrl+C to stop.
node dist\cli.js
set CODE=%ERRORLEVEL%
if "%CODE%"=="0" goto :end
if "%CODE%"=="2" (
  echo.
  echo The program stopped because of a set-up problem ^(see the message above^). Fix it and run start.bat again.
  goto :fail
)
echo.
echo The program stopped unexpectedly ^(exit code %CODE%^). Its work is saved; restarting in 30 seconds. Close this window to stop.
timeout /t 30 /nobreak >nul
goto :run

:fail
echo.
pause
exit /b 1

:end
endlocal
