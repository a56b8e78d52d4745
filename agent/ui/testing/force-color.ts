// Imported first by colour tests: Ink's chalk decides its colour level when it loads, and test
// output is not a terminal. Forcing it lets a test see that NO_COLOR, not the pipe, removed colour.
process.env['FORCE_COLOR'] = '3';
