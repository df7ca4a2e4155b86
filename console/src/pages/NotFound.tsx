import { PageHeading } from '../components/PageHeading';
import { Link } from '../components/Link';
import { ROUTES } from '../lib/router';

export function NotFoundPage() {
  return (
    <div class="page">
      <PageHeading title="Page not found" />
      <p>
        There is no page at this address. Go to <Link href={ROUTES.import.path}>Import Orders</Link>,{' '}
        <Link href={ROUTES.transactions.path}>the Transaction List</Link> or <Link href={ROUTES.stores.path}>Stores</Link>.
      </p>
    </div>
  );
}
