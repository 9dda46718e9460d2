// The chat widget on the demo page, as a visitor uses it, in headless Chromium (Debian's) driven by
// playwright-core. Run by tests/browser/test_widget.py, which starts the servers on free ports and
// passes the plan as JSON: node tests/browser/widget.js '{"url": ..., "question": {...}, ...}'.
// It asserts only what the visitor sees; any failure exits non-zero with the reason.
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { chromium } = require("playwright-core");

const plan = JSON.parse(process.argv[2]);
const REPLY_TIMEOUT = 20_000; // the first reply loads the model's caches; later ones take well under a second

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

async function main() {
  const browser = await chromium.launch({ executablePath: plan.chromium });
  const blocked = [];
  const pageErrors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    // Nothing leaves the machine: anything but loopback is refused (and reported below).
    await context.route("**/*", (route) => {
      const { hostname } = new URL(route.request().url());
      if (LOOPBACK.test(hostname)) return route.continue();
      blocked.push(route.request().url());
      return route.abort("blockedbyclient");
    });
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(10_000);

    const chat = page.locator(".rw-conversation-container");
    const botSays = (text) => chat.locator(".rw-response", { hasText: text }).last();
    const visitorSays = (text) => chat.locator(".rw-client", { hasText: text }).last();

    async function ask(text, expected) {
      await chat.locator(".rw-new-message").fill(text);
      await chat.locator(".rw-new-message").press("Enter");
      await visitorSays(text).waitFor();
      await botSays(expected).waitFor({ timeout: REPLY_TIMEOUT });
    }

    async function assertNoMarkerShown() {
      const shown = await page.locator("body").innerText();
      for (const text of plan.neverShown) assert.ok(!shown.includes(text), `the page shows ${JSON.stringify(text)}`);
    }

    async function openChat() {
      await page.locator(".rw-launcher").click();
      await chat.waitFor();
    }

    // The page, then the widget: its launcher appears once the socket is connected.
    await page.goto(plan.url);
    await page.getByRole("heading", { name: "Start or grow your career in project management" }).waitFor();
    await openChat();
    await chat.locator(".rw-title", { hasText: "Pathfinder" }).waitFor();
    await chat.locator(".rw-response").first().waitFor({ timeout: REPLY_TIMEOUT }); // the greeting

    // A question from the source page: the answer and its articles as links.
    await ask(plan.question.text, plan.question.answer);
    const articles = chat.locator(".rw-message", { hasText: "Related articles:" }).last().locator("a.rw-reply");
    await articles.first().waitFor();
    const links = await articles.evaluateAll((anchors) => anchors.map((a) => ({ title: a.textContent, url: a.href })));
    assert.deepEqual(links, plan.question.links);
    await assertNoMarkerShown();

    // Something ambiguous: "Did you mean", then a suggestion clicked answers it.
    await ask(plan.ambiguous.text, plan.ambiguous.clarify);
    const suggestions = botSays(plan.ambiguous.clarify).locator("xpath=..").locator("div.rw-reply"); // quick replies
    await suggestions.first().waitFor();
    assert.deepEqual(await suggestions.allInnerTexts(), plan.ambiguous.suggestions);
    await suggestions.getByText(plan.ambiguous.choice.title, { exact: true }).click();
    await botSays(plan.ambiguous.choice.answer).waitFor({ timeout: REPLY_TIMEOUT });
    await assertNoMarkerShown();

    // A follow-up in the same conversation.
    await ask(plan.followUp.text, plan.followUp.answer);

    // Reload: the conversation is still there, and goes on.
    await page.reload();
    await page.locator(".rw-launcher").waitFor(); // the widget is on screen, open or closed as the visitor left it
    if (!(await chat.isVisible())) await openChat();
    await visitorSays(plan.question.text).waitFor();
    await botSays(plan.question.answer).waitFor();
    await botSays(plan.followUp.answer).waitFor();
    await ask(plan.afterReload.text, plan.afterReload.answer);
    await assertNoMarkerShown();

    fs.mkdirSync(path.dirname(plan.screenshot), { recursive: true });
    await page.screenshot({ path: plan.screenshot });
  } finally {
    await browser.close();
  }
  assert.deepEqual(blocked, [], "the page asked for something beyond this machine");
  assert.deepEqual(pageErrors, [], "the page raised errors");
  console.log("widget: all steps passed");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
