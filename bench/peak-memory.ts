// Preloaded (`node --import`) into the command bench/report.ts times: prints the process's peak
// resident memory as it exits, where the bench reads it from stderr.
process.on('exit', () => {
  process.stderr.write(`\npeak-rss-kib ${process.resourceUsage().maxRSS}\n`)
})
