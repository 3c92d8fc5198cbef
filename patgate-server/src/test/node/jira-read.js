// Reads an issue and tries to create one with the jira-client package, through PATgate, with a
// PATgate token as the Bearer token; prints one JSON line with what happened.
const JiraApi = require('jira-client');

const url = new URL(process.env.PATGATE_URL);
const jira = new JiraApi({
  protocol: url.protocol.replace(':', ''),
  host: url.hostname,
  port: url.port,
  bearer: process.env.PATGATE_TOKEN,
  apiVersion: '2',
  strictSSL: false,
  timeout: 20000,
});

(async () => {
  const result = {};
  try {
    result.issue = await jira.findIssue(process.argv[2]);
  } catch (e) {
    result.readError = { status: e.statusCode, message: String(e.message).slice(0, 500) };
  }
  try {
    result.created = await jira.addNewIssue({ fields: { project: { key: 'PG' }, summary: 'from node' } });
  } catch (e) {
    result.writeError = { status: e.statusCode, message: String(e.message).slice(0, 500) };
  }
  console.log(JSON.stringify(result));
})();
