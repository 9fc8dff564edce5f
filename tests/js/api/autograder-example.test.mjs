// Runs the autograder example (examples/autograder.test.mjs) as part of npm test.
import '../../../examples/autograder.test.mjs';
