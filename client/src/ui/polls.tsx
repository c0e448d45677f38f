// Anonymous polls: moderators ask a question and see live counts; everyone
// votes with radio buttons or checkboxes and may change the vote until the
// poll closes. Nothing here knows who voted for what: the server sends counts.
import { useState } from 'preact/hooks';
import { POLL_LIMITS } from '../../../shared/protocol.js';
import { request } from '../actions.js';
import { can, type PollInfo, type PollResults, room } from '../store.js';
import type { Strings } from '../strings.js';

function useRun() {
  const [error, setError] = useState('');
  const run = async (action: () => Promise<void>): Promise<boolean> => {
    setError('');
    try {
      await action();
      return true;
    } catch (err) {
      setError((err as Error).message);
      return false;
    }
  };
  return [error, run] as const;
}

function CreatePoll({ t }: { t: Strings }) {
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState('');
  const [multiple, setMultiple] = useState(false);
  const [error, run] = useRun();
  return (
    <form
      class="stack"
      onSubmit={(ev) => {
        ev.preventDefault();
        const lines = options
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
        void run(() => request('createPoll', { question: question.trim(), options: lines, multiple })).then((ok) => {
          if (!ok) return;
          setQuestion('');
          setOptions('');
        });
      }}
    >
      <label for="poll-question">{t.pollQuestion}</label>
      <input id="poll-question" maxLength={POLL_LIMITS.question} value={question} onInput={(ev) => setQuestion(ev.currentTarget.value)} />
      <label for="poll-options">{t.pollOptions}</label>
      <textarea id="poll-options" rows={4} value={options} onInput={(ev) => setOptions(ev.currentTarget.value)} />
      <label class="check">
        <input type="checkbox" checked={multiple} onChange={(ev) => setMultiple(ev.currentTarget.checked)} /> {t.pollMultiple}
      </label>
      <button type="submit" class="primary">
        {t.startPoll}
      </button>
      <p class="error" role="alert">
        {error}
      </p>
    </form>
  );
}

function Ballot({ poll, t }: { poll: PollInfo; t: Strings }) {
  const [choices, setChoices] = useState<number[]>([]);
  const [error, run] = useRun();
  const voted = room.voted.value;
  return (
    <form
      class="stack"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (!choices.length) return;
        void run(() => request('vote', { pollId: poll.id, choices })).then((ok) => {
          if (ok) room.voted.value = true;
        });
      }}
    >
      <fieldset>
        <legend>{poll.question}</legend>
        {poll.options.map((text, i) => (
          <label key={i} class="check">
            <input
              type={poll.multiple ? 'checkbox' : 'radio'}
              name="poll-choice"
              value={String(i)}
              checked={choices.includes(i)}
              onChange={(ev) => {
                const on = ev.currentTarget.checked;
                setChoices(poll.multiple ? (on ? [...choices, i] : choices.filter((c) => c !== i)) : [i]);
              }}
            />{' '}
            {text}
          </label>
        ))}
      </fieldset>
      <button type="submit" class="primary">
        {voted ? t.changeVote : t.vote}
      </button>
      <p role="status">{voted ? t.voted : t.pollAnonymous}</p>
      <p class="error" role="alert">
        {error}
      </p>
    </form>
  );
}

function Results({ poll, results, t }: { poll: PollInfo; results: PollResults; t: Strings }) {
  const total = Math.max(
    1,
    results.counts.reduce((a, b) => a + b, 0),
  );
  return (
    <div>
      <ul class="poll-results" aria-label={poll.question}>
        {poll.options.map((text, i) => (
          <li key={i}>
            {t.pollVotes(text, results.counts[i] ?? 0)}
            <meter aria-hidden="true" min={0} max={total} value={results.counts[i] ?? 0} />
          </li>
        ))}
      </ul>
      <p>{t.pollVoters(results.voters)}</p>
    </div>
  );
}

export function PollPanel({ t }: { t: Strings }) {
  const poll = room.poll.value;
  const results = room.pollResults.value;
  const manage = can('managePolls');
  const [error, run] = useRun();
  return (
    <section class="poll" aria-label={t.pollTitle}>
      {manage && !poll?.open ? <CreatePoll t={t} /> : null}
      {poll?.open ? <Ballot key={poll.id} poll={poll} t={t} /> : poll ? <p>{`${poll.question} — ${t.pollClosedNote}`}</p> : null}
      {poll && results ? <Results poll={poll} results={results} t={t} /> : null}
      {poll && manage ? (
        poll.open ? (
          <button type="button" onClick={() => void run(() => request('closePoll', { pollId: poll.id }).then(() => undefined))}>
            {t.closePoll}
          </button>
        ) : (
          <button type="button" onClick={() => void run(() => request('showPollResults', { pollId: poll.id }))}>
            {t.showResults}
          </button>
        )
      ) : null}
      {!poll && !manage ? <p class="hint">{t.noPoll}</p> : null}
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}
