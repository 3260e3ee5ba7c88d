import type { ComponentChildren } from 'preact';

/**
 * The admin pages' table: scrolls sideways when it must, and on a phone each row stacks into
 * a card (cells carry data-label captions, see the `.stack` CSS).
 */
export function StackTable({ headers, children, class: extra }: { headers: string[]; children: ComponentChildren; class?: string }) {
  return (
    <div class="table-wrap">
      <table class={extra ? `stack ${extra}` : 'stack'}>
        <thead>
          <tr>
            {headers.map((h) => (
              <th>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
