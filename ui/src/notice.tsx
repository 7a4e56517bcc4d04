// A full-width message in place of a page's content: loading, empty, refused, unreachable.

export function Notice(props: { title: string; children?: React.ReactNode; tone?: 'bad' | 'plain' }) {
  return (
    <div className={`notice ${props.tone === 'bad' ? 'notice-bad' : ''}`}>
      <h1>{props.title}</h1>
      {props.children}
    </div>
  );
}
