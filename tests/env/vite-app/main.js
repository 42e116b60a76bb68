import * as q from 'quorumkit';
import { run } from '../workload.mjs';

document.body.dataset.result = JSON.stringify(run(q));
