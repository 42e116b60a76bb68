// An app that makes Snowflake IDs and imports nothing else of quorumkit: its build
// must carry the Snowflake module only.
import * as snowflake from 'quorumkit/snowflake';
import { runSubpath } from '../workload.mjs';

document.body.dataset.result = JSON.stringify(runSubpath('snowflake', snowflake));
