// Runs in every test worker before the tests (jest.config.js setupFiles).
// cdktn captures a stack trace for every token it creates (for the error message of a token that cannot be
// resolved); under jest each capture also goes through source-map support, which made it a third of a stack test's
// time. Off by default, as in the synth (synth/launcher.js); CDKTN_DISABLE_CREATION_STACK=0 npx jest ... brings the
// traces back when debugging an unresolvable token.
"use strict";
process.env.CDKTN_DISABLE_CREATION_STACK ??= "1";
