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

    // Every answer's related articles: links, which stay on screen.
    const articleLists = chat.locator(".rw-replies:has(a.rw-reply)");

    // `act` makes the assistant answer (`reply.answer`), with these articles after it (`reply.links`).
    async function expectAnswer(act, reply) {
      const listsBefore = await articleLists.count();
      await act();
      await botSays(reply.answer).waitFor({ timeout: REPLY_TIMEOUT });
      const links = articleLists.nth(listsBefore);
      await links.waitFor();
      const shown = await links.locator("a.rw-reply").evaluateAll((anchors) => anchors.map((a) => ({ title: a.textContent, url: a.href })));
      assert.deepEqual(shown, reply.links);
    }

    async function type(text) {
      await chat.locator(".rw-new-message").fill(text);
      await chat.locator(".rw-new-message").press("Enter");
      await visitorSays(text).waitFor();
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
    await expectAnswer(() => type(plan.question.text), plan.question);
    await assertNoMarkerShown();

    // Something ambiguous: "Did you mean", then a suggestion clicked answers it.
    await type(plan.ambiguous.text);
    await botSays(plan.ambiguous.clarify).waitFor({ timeout: REPLY_TIMEOUT });
    const suggestions = botSays(plan.ambiguous.clarify).locator("xpath=..").locator("div.rw-reply"); // quick replies
    await suggestions.first().waitFor();
    assert.deepEqual(await suggestions.allInnerTexts(), plan.ambiguous.suggestions);
    await expectAnswer(() => suggestions.getByText(plan.ambiguous.choice.title, { exact: true }).click(), plan.ambiguous.choice);
    await assertNoMarkerShown();

    // A follow-up in the same conversation.
    await expectAnswer(() => type(plan.followUp.text), plan.followUp);

    // Reload: the conversation is still there, and goes on.
    await page.reload();
    await page.locator(".rw-launcher").waitFor(); // the widget is on screen, open or closed as the visitor left it
    if (!(await chat.isVisible())) await openChat();
    await visitorSays(plan.question.text).waitFor();
    await botSays(plan.question.answer).waitFor();
    await botSays(plan.followUp.answer).waitFor();
    assert.equal(await articleLists.count(), 3);
    await expectAnswer(() => type(plan.afterReload.text), plan.afterReload);
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
