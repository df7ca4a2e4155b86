import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { createClient } from '../lib/client';
import { SignIn } from './SignIn';

function clientAnswering(status: number) {
  const fetch = vi.fn(async () =>
    new Response(JSON.stringify(status === 200 ? { data: { platforms: [] } } : { errors: [{ message: 'no' }] }), {
      status,
      headers: { 'Content-Type': 'application/json' },
    }),
  );
  return { fetch, client: createClient({ fetch, getToken: () => null }) };
}

describe('Sign in', () => {
  it('a refused token says so and stays on the form', async () => {
    const { client } = clientAnswering(401);
    const onSignedIn = vi.fn();
    render(<SignIn notice={null} onSignedIn={onSignedIn} client={client} />);
    const field = screen.getByLabelText('API token') as HTMLInputElement;
    expect(field.type).toBe('password');
    fireEvent.input(field, { target: { value: 'oi_wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByText('That token was not accepted.')).toBeTruthy());
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toContain('api-token-error');
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('an accepted token signs in', async () => {
    const { client, fetch } = clientAnswering(200);
    const onSignedIn = vi.fn();
    render(<SignIn notice={null} onSignedIn={onSignedIn} client={client} />);
    fireEvent.input(screen.getByLabelText('API token'), { target: { value: ' Bearer oi_good ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(onSignedIn).toHaveBeenCalledWith('oi_good'));
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer oi_good');
  });

  it('asks for a token before sending anything', async () => {
    const { client, fetch } = clientAnswering(200);
    render(<SignIn notice={null} onSignedIn={vi.fn()} client={client} />);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.getByText('Enter an API token.')).toBeTruthy());
    expect(fetch).not.toHaveBeenCalled();
  });
});
