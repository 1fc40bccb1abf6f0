@echo off
rem zoho-call-tickets for Windows: double-click to start. Ctrl+C stops it cleanly.
setlocal
title zoho-call-tickets
pushd "%~dp0" || (
  echo Cannot open the folder of start.bat. Copy the folder to a local drive ^(not a network path^) and run it from there.
  goto :fail
)
if not exist "package.json" (
  echo start.bat must run inside the project folder. Extract the whole zip first ^(right-click, Extract All^), then run start.bat from that folder.
  goto :fail
)

where node >nul 2>nul
if errorlevel 1 (
  echo Node.js is not installed. Install the LTS version from https://nodejs.org/ and run this again.
  goto :fail
)
set "NODE_MAJOR=0"
set "NODE_MINOR=0"
for /f "tokens=1,2 delims=v." %%a in ('node --version 2^>nul') do (
  set "NODE_MAJOR=%%a"
  set "NODE_MINOR=%%b"
)
if %NODE_MAJOR% LSS 20 goto :oldnode
if %NODE_MAJOR% EQU 20 if %NODE_MINOR% LSS 19 goto :oldnode

if not defined ENV_FILE if not exist ".env" (
  echo There is no .env file yet. Copy env.example to .env, fill in your keys ^(see README.md^), and run this again.
  if exist ".env.txt" echo Your file is named .env.txt: rename it to .env ^(Notepad adds .txt; turn on "File name extensions" in Explorer's View menu to see it^).
  goto :fail
)

rem Install on the first run, after an interrupted install, and whenever package-lock.json has changed (an update).
set "NEED_INSTALL="
if not exist "node_modules\" set "NEED_INSTALL=1"
fc /b "package-lock.json" "node_modules\.start-bat-lock" >nul 2>nul || set "NEED_INSTALL=1"
if defined NEED_INSTALL (
  echo Installing dependencies...
  call npm ci --include=dev --no-audit --no-fund
  if errorlevel 1 (
    echo Installing dependencies failed; see the messages above. Check the internet connection and run this again.
    goto :fail
  )
  copy /y "package-lock.json" "node_modules\.start-bat-lock" >nul
)

echo Building...
call npm run build --silent
if errorlevel 1 (
  echo The build failed; see the messages above.
  goto :fail
)

:run
echo Starting zoho-call-tickets. Its log is zoho_processor.log in this folder. Press Ctrl+C to stop.
rem The same Node flag as "npm start" in package.json (why: bench/RESULTS.md).
node --max-semi-space-size=8 dist\cli.js
set "CODE=%ERRORLEVEL%"
if "%CODE%"=="0" goto :end
rem Ctrl+C before the program was ready to stop cleanly.
if "%CODE%"=="-1073741510" goto :end
if "%CODE%"=="2" (
  echo.
  echo The program stopped because of a set-up problem ^(see the message above^). Fix it and run start.bat again.
  goto :fail
)
echo.
echo The program stopped unexpectedly ^(exit code %CODE%^). Its work is saved; restarting in 30 seconds. Close this window to stop.
rem timeout refuses to run without a console (some scheduled tasks); ping waits instead of looping at once.
timeout /t 30 /nobreak >nul 2>nul || ping -n 31 127.0.0.1 >nul
goto :run

:oldnode
echo Node.js 20.19 or newer is needed; this PC has:
node --version
echo Install the LTS version from https://nodejs.org/ and run this again.
goto :fail

:fail
echo.
pause
popd
exit /b 1

:end
popd
endlocal
