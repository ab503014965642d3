import { redirect } from 'next/navigation';
import { getCurrentUser } from '../../server/auth/current-user';
import { SignInForm } from '../../components/sign-in-form';

export const dynamic = 'force-dynamic';

export default async function SignInPage() {
  if (await getCurrentUser()) redirect('/projects');
  return (
    <main className="flex min-h-full items-center justify-center bg-[radial-gradient(ellipse_at_top,_#0c4a6e33,_transparent_60%)] p-6">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div className="mx-auto mb-3 flex h-12 w-12 items-center justify-center rounded-full border-2 border-sky-400/70">
            <div className="h-5 w-5 rounded-full bg-sky-400/80" />
          </div>
          <h1 className="text-2xl font-semibold tracking-tight text-white">Loupe</h1>
          <p className="mt-1 text-sm text-slate-400">
            Segmentation labeling that learns while you label
          </p>
        </div>
        <SignInForm />
      </div>
    </main>
  );
}
