#!/usr/bin/env node
// The baseline of `npm run bench:slack`: a Bolt app on its own HTTPReceiver
// that checks signatures like goldsmith's and only acks /image. Prints
// "listening <port>" once it listens.
//   SLACK_SIGNING_SECRET=… SLACK_BOT_TOKEN=xoxb-… SLACK_API_URL=… node scripts/lib/bench-bare-bolt.mjs
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const receiver = new HTTPReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET, endpoints: ['/slack/events'], logLevel: LogLevel.ERROR });
const app = new App({
  receiver,
  token: process.env.SLACK_BOT_TOKEN,
  logLevel: LogLevel.ERROR,
  deferInitialization: true,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL, retryConfig: { retries: 0 } },
});
app.command('/image', async ({ ack }) => {
  await ack();
});
await app.init();
const server = await receiver.start({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${server.address().port}\n`);
process.once('SIGTERM', () => void receiver.stop().then(() => process.exit(0)));
