import { Fragment } from 'preact';
import { paymentBadges, type BadgedOrder } from '../lib/payment';

/**
 * An order's payment state as badges: words first, their colour only repeats them. A space
 * between two badges keeps them apart as words ("Payment pending Test order") when read out.
 */
export function PaymentBadges({ order }: { order: BadgedOrder }) {
  return (
    <span class="badges">
      {paymentBadges(order).map((badge, index) => (
        <Fragment key={badge.text}>
          {index > 0 ? ' ' : null}
          <span class={`badge badge-${badge.tone}`}>{badge.text}</span>
        </Fragment>
      ))}
    </span>
  );
}
